namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>
/// The real Provisioner executable deploying the AppHost model's whole published output (GKE plan and Kubernetes
/// manifests) against the fake Google APIs and the fake Kubernetes API server together.
/// </summary>
public sealed class FullDeployEndToEndTests
{
    // Every object of the golden manifests, as the fake API server stores it.
    private static readonly (string Plural, string? Namespace, string Name)[] PublishedObjects =
    [
        ("namespaces", null, "vllm"),
        ("namespaces", null, "custom-metrics"),
        ("serviceaccounts", "vllm", "vllm"),
        ("serviceaccounts", "vllm", "gemma-7b-bake"),
        ("persistentvolumes", null, "gemma-7b-d64e632c-bake"),
        ("persistentvolumeclaims", "vllm", "gemma-7b-d64e632c-bake"),
        ("jobs", "vllm", "gemma-7b-d64e632c-bake"),
        ("persistentvolumes", null, "gemma-7b-d64e632c-us-central1-a"),
        ("persistentvolumeclaims", "vllm", "gemma-7b-d64e632c-us-central1-a"),
        ("deployments", "vllm", "vllm"),
        ("services", "vllm", "vllm"),
        ("podmonitorings", "vllm", "vllm"),
        ("deployments", "custom-metrics", "custom-metrics-stackdriver-adapter"),
        ("horizontalpodautoscalers", "vllm", "vllm"),
    ];

    [Fact]
    public async Task A_deploy_from_nothing_provisions_the_cloud_and_the_cluster_and_a_second_changes_nothing()
    {
        await using var deployment = await GcpDeployment.StartAsync(kubernetes: true);

        var (exit, output) = await deployment.RunAsync("deploy");

        Assert.True(exit == 0, output);
        deployment.AssertConverged();
        Assert.All(PublishedObjects, o => Assert.True(deployment.Kubernetes!.Get(o.Plural, o.Namespace, o.Name) is not null, $"{o} was not applied:\n{output}"));
        // The rollout waited for the Deployment's pods to be ready.
        Assert.Equal(deployment.Kubernetes!.Get("deployments", "vllm", "vllm")!["spec"]!["replicas"]!.GetValue<int>(),
            deployment.Kubernetes.Get("deployments", "vllm", "vllm")!["status"]?["readyReplicas"]?.GetValue<int>());
        Assert.True(output.Contains(" failed, 0 not run", StringComparison.Ordinal) && output.Contains("deploy succeeded:", StringComparison.Ordinal), output);

        deployment.Fake.ClearRequests();
        var kubernetesWrites = deployment.Kubernetes.Writes.Count;
        (exit, output) = await deployment.RunAsync("deploy");
        Assert.True(exit == 0, output);
        Assert.Empty(deployment.Fake.Writes);
        Assert.Equal(kubernetesWrites, deployment.Kubernetes.Writes.Count);
        Assert.True(output.Contains("0 created, 0 changed", StringComparison.Ordinal), output);
    }

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
            await first.WhenLineAsync(line => line.Contains($" {stage} Succeeded", StringComparison.Ordinal)).WaitAsync(TimeSpan.FromSeconds(90));
            first.Kill();
            await first.WaitAsync();
        }

        var (exit, output) = await deployment.RunAsync("deploy");

        Assert.True(exit == 0, output);
        deployment.AssertConverged();
        Assert.All(PublishedObjects, o => Assert.True(deployment.Kubernetes!.Get(o.Plural, o.Namespace, o.Name) is not null, $"{o} missing:\n{output}"));
    }

    [Fact]
    public async Task With_20_percent_transient_faults_in_both_apis_deploy_succeeds_without_duplicates()
    {
        await using var deployment = await GcpDeployment.StartAsync(kubernetes: true);
        deployment.Fake.Faults.Seed(5);
        deployment.Fake.Faults.TransientRate = 0.2;
        deployment.Kubernetes!.Faults.TransientRate = 0.2;

        var (exit, output) = await deployment.RunAsync("deploy");

        Assert.True(exit == 0, output);
        Assert.True(deployment.Kubernetes.Faults.TransientInjected > 0);
        Assert.Contains(deployment.Fake.Requests, r => r.InjectedFault);
        deployment.Fake.Faults.Clear();
        deployment.Kubernetes.Faults.TransientRate = 0;
        deployment.AssertConverged();
        Assert.All(PublishedObjects, o => Assert.True(deployment.Kubernetes.Get(o.Plural, o.Namespace, o.Name) is not null, $"{o} missing:\n{output}"));
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
                    first.Kill();
                }
            };
            await first.WaitAsync();
            Assert.True(killed == 1, $"no apply of {path}:\n{first.Output}");
        }

        deployment.Kubernetes.Faults.OnRequest = null;
        var (exit, output) = await deployment.RunAsync("deploy");

        Assert.True(exit == 0, output);
        deployment.AssertConverged();
        Assert.All(PublishedObjects, o => Assert.True(deployment.Kubernetes.Get(o.Plural, o.Namespace, o.Name) is not null, $"{o} missing:\n{output}"));
    }

    [Fact]
    public async Task A_permanent_cluster_error_fails_its_stage_and_blocks_the_autoscaler_while_the_cloud_side_finishes()
    {
        await using var deployment = await GcpDeployment.StartAsync(kubernetes: true);
        deployment.Kubernetes!.Faults.Permanent["deployments/vllm/vllm"] = 403;

        var (exit, output) = await deployment.RunAsync("deploy");

        Assert.True(exit == 1, output);
        Assert.True(output.Contains("error: stage workload-vllm: ", StringComparison.Ordinal), output);
        Assert.True(output.Contains("hpa Skipped not run: stage 'workload-vllm' failed", StringComparison.Ordinal), output);
        deployment.AssertConverged();
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
    public async Task Destroy_removes_the_cluster_objects_and_the_cloud_resources()
    {
        await using var deployment = await GcpDeployment.StartAsync(kubernetes: true);
        var (exit, output) = await deployment.RunAsync("deploy");
        Assert.True(exit == 0, output);

        (exit, output) = await deployment.RunAsync("destroy");

        Assert.True(exit == 0, output);
        Assert.Empty(deployment.Fake.Compute.Disks);
        Assert.Empty(deployment.Fake.Compute.Images);
        Assert.Empty(deployment.Fake.Container.NodePools);
        Assert.All(PublishedObjects.Where(o => o.Plural != "namespaces"), o => Assert.True(deployment.Kubernetes!.Get(o.Plural, o.Namespace, o.Name) is null, $"{o} is still there:\n{output}"));
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
