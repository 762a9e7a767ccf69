namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>
/// The real Provisioner executable deploying the AppHost model's whole published output (GKE plan and Kubernetes
/// manifests) against the fake Google APIs and the fake Kubernetes API server together.
/// </summary>
public sealed class FullDeployEndToEndTests
{
    [Fact]
    public async Task Deploy_builds_and_pushes_the_sidecar_image_before_the_image_cache_and_the_workload_use_it()
    {
        // The one test that builds an image for real (dotnet publish -t:PublishContainer, ~30–60 s).
        await using var deployment = await GcpDeployment.StartAsync(kubernetes: true, images: true);
        var reference = Assert.Single(deployment.Plan.ContainerImages).Reference;

        var (exit, output) = await deployment.RunAsync("deploy");

        Assert.True(exit == 0, output);
        deployment.AssertConverged();
        Assert.Contains(deployment.Registry!.Pushes, p => p.Repository == "my-project/vllm/vllm-aspire-provisioner" && p.Reference == reference.Split(':')[^1]);
        Assert.NotNull(deployment.Registry.Manifest("my-project/vllm/vllm-aspire-provisioner", reference.Split(':')[^1]));
        var podSpec = deployment.Kubernetes!.Get("deployments", "vllm", "vllm")!["spec"]!["template"]!["spec"]!;
        Assert.Contains(podSpec["initContainers"]!.AsArray(), c => (string?)c!["image"] == reference);
        // The console lines are in the order the runner saw the stages change.
        var lines = output.Split('\n');
        int IndexOf(string stage, string state) => Array.FindIndex(lines, l => l.Contains($" {stage} {state}", StringComparison.Ordinal));
        var pushed = IndexOf("image-vllm-aspire-provisioner", "Succeeded");
        Assert.True(pushed >= 0, output);
        Assert.True(pushed < IndexOf("image-cache", "Running") && pushed < IndexOf("workload-vllm", "Running"), output);
        Assert.True(IndexOf("workload-vllm", "Succeeded") < IndexOf(VllmAspire.Provisioner.Stages.Gcp.GcpPruneStage.StageName, "Running"), output);
    }

    [Theory]
    [InlineData("kubernetes-base")]
    [InlineData("weights-bake-gemma-7b")]
    [InlineData("gemma-7b-d64e632c-image")]
    [InlineData("weights-volumes-gemma-7b")]
    public async Task Killed_when_a_stage_ends_then_rerun_converges(string stage)
    {
        await using var deployment = await GcpDeployment.StartAsync(kubernetes: true);
        using (var first = deployment.Start("deploy"))
        {
            await first.WaitForLineAsync(line => line.Text.Contains($" {stage} Succeeded", StringComparison.Ordinal), $"\"{stage} Succeeded\"", TimeSpan.FromSeconds(90));
            first.Process.Kill();
            await first.WaitForExitAsync(GcpDeployment.RunTimeout);
        }

        var (exit, output) = await deployment.RunAsync("deploy");

        Assert.True(exit == 0, output);
        deployment.AssertConverged();
        deployment.AssertPublishedObjectsApplied(output);
    }

    [Theory]
    [InlineData("/jobs/gemma-7b-d64e632c-bake")]
    [InlineData("/deployments/vllm")]
    [InlineData("/horizontalpodautoscalers/vllm")]
    public async Task Killed_while_applying_a_cluster_object_then_rerun_converges(string path)
    {
        await using var deployment = await GcpDeployment.StartAsync(kubernetes: true);
        using (var first = deployment.Start("deploy"))
        {
            // The apply reaches the API server, which stores it, but the process that sent it is gone.
            var killed = 0;
            deployment.Kubernetes!.Faults.OnRequest = (method, requestPath) =>
            {
                if (method == "PATCH" && requestPath.EndsWith(path, StringComparison.Ordinal) && Interlocked.Exchange(ref killed, 1) == 0)
                {
                    first.Process.Kill();
                }
            };
            await first.WaitForExitAsync(GcpDeployment.RunTimeout);
            Assert.True(killed == 1, $"no apply of {path}:\n{first.Describe()}");
        }

        deployment.Kubernetes.Faults.OnRequest = null;
        var (exit, output) = await deployment.RunAsync("deploy");

        Assert.True(exit == 0, output);
        deployment.AssertConverged();
        deployment.AssertPublishedObjectsApplied(output);
    }

    [Fact]
    public async Task A_model_update_rolls_vllm_onto_the_new_weights_while_it_keeps_serving()
    {
        await using var deployment = await GcpDeployment.StartAsync(kubernetes: true);
        var (exit, output) = await deployment.RunAsync("deploy");
        Assert.True(exit == 0, output);
        var before = deployment.Kubernetes!.Cluster.ReadyCounts("vllm", "vllm").Count;

        await deployment.PublishNewWeightsVersionAsync("d64e632c", "0badc0de");
        (exit, output) = await deployment.RunAsync("deploy");

        Assert.True(exit == 0, output);
        Assert.Contains("projects/my-project/global/images/gemma-7b-weights-0badc0de", deployment.Fake.Compute.Images);
        Assert.Contains("projects/my-project/zones/us-central1-a/disks/gemma-7b-0badc0de-us-central1-a", deployment.Fake.Compute.Disks);
        var vllm = deployment.Kubernetes.Get("deployments", "vllm", "vllm")!;
        Assert.Contains("gemma-7b-0badc0de-us-central1-a", vllm["spec"]!["template"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(vllm["spec"]!["replicas"]!.GetValue<int>(), vllm["status"]?["readyReplicas"]?.GetValue<int>());
        // Throughout the rollout at least one pod was ready: the update never stopped serving.
        var during = deployment.Kubernetes.Cluster.ReadyCounts("vllm", "vllm").Skip(before).ToList();
        Assert.NotEmpty(during);
        Assert.All(during, sample => Assert.True(sample.Ready >= 1, $"no ready vLLM pod at {sample.At:O} ({sample.Ready}/{sample.Total})"));
    }

    [Fact]
    public async Task Without_a_kubeconfig_a_deploy_is_bad_input_naming_the_fix()
    {
        await using var deployment = await GcpDeployment.StartAsync(kubernetes: true);
        File.Delete(Path.Combine(deployment.Folder.Root, "kubeconfig"));

        var (exit, output) = await deployment.RunAsync("deploy");

        Assert.True(exit == 2, output);
        Assert.True(output.Contains("No Kubernetes configuration", StringComparison.Ordinal), output);
        Assert.True(output.Contains("gcloud container clusters get-credentials vllm-cluster --location us-central1 --project my-project", StringComparison.Ordinal), output);
        Assert.Empty(deployment.Fake.Writes);
    }
}
