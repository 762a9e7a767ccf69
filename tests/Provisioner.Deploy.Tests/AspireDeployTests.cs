using System.Text.Json.Nodes;

namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>
/// <c>aspire deploy</c>, <c>aspire destroy</c> and the dry run, driven through the <c>aspire</c> CLI against the
/// fakes: each provisioning stage is a task of the <c>deploy-gke</c> step, the run ends with the stage table and its
/// totals in the summary, a failure exits non-zero and a rerun continues.
/// </summary>
public sealed class AspireDeployTests
{
    [Fact]
    public async Task Deploy_from_nothing_converges_again_changes_nothing_and_destroy_keeps_the_users_objects()
    {
        await using var deployment = await AspireDeployment.StartAsync();

        var (exit, output) = await deployment.RunAsync("deploy");

        Assert.True(exit == 0, output);
        deployment.Cloud.AssertConverged();
        deployment.Cloud.AssertPublishedObjectsApplied(output);
        // Each stage is a task of the step, and the run ends with the stage table and the totals in the summary.
        Assert.True(output.Contains("(deploy-gke) ✓ workload-vllm: ", StringComparison.Ordinal), output);
        AssertMatches(@"\| weights-bake-gemma-7b\s*\| Succeeded\s*\| created\s*\| \d+\.\d\s*\| \d+", output);
        AssertMatches(@"GKE deploy: deploy succeeded: \d+ stages: \d+ created, \d+ changed, \d+ unchanged, 0 deleted, 0 failed, 0 not run; wall time \d+\.\d s, critical path \d+\.\d s", output);
        // No Docker: Aspire's container build steps stay out of the graph; our image is the .NET SDK's (here already pushed).
        Assert.False(output.Contains("(build-", StringComparison.Ordinal), output);
        Assert.False(output.Contains("check-container-runtime", StringComparison.Ordinal), output);

        // Aspire keeps the parameters between commands in clear text: the five GKE ones, never a credential.
        var state = Assert.Single(deployment.StateFiles, f => Path.GetFileName(f) == "production.json");
        var saved = JsonNode.Parse(File.ReadAllText(state))!.AsObject();
        Assert.Equal(["Parameters:container-registry", "Parameters:gcp-location", "Parameters:gcp-project", "Parameters:gcp-zone", "Parameters:gke-cluster"],
            saved.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.All(deployment.StateFiles, f => Assert.DoesNotContain(VllmAspire.Testing.Fakes.Gcp.FakeGcp.AccessToken, File.ReadAllText(f), StringComparison.Ordinal));

        deployment.Cloud.Fake.ClearRequests();
        var kubernetesWrites = deployment.Cloud.Kubernetes!.Writes.Count;
        (exit, output) = await deployment.RunAsync("deploy");

        Assert.True(exit == 0, output);
        Assert.Empty(deployment.Cloud.Fake.Writes);
        Assert.Equal(kubernetesWrites, deployment.Cloud.Kubernetes.Writes.Count);
        Assert.True(output.Contains(" 0 created, 0 changed, ", StringComparison.Ordinal), output);

        // The user's token, as `kubectl create secret generic vllm-hf-token -n vllm` leaves it: the Deployment reads it, destroy keeps it.
        deployment.Cloud.Kubernetes.Seed(JsonNode.Parse("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"vllm-hf-token","namespace":"vllm"},"data":{"token":"aGZfeA=="}}""")!.AsObject());
        (exit, output) = await deployment.RunAsync("destroy");

        Assert.True(exit != 0, output);
        Assert.True(output.Contains("requires --yes", StringComparison.Ordinal), output);
        Assert.NotNull(deployment.Cloud.Kubernetes.Get("deployments", "vllm", "vllm"));

        (exit, output) = await deployment.RunAsync("destroy", "--yes");

        Assert.True(exit == 0, output);
        Assert.Empty(deployment.Cloud.Fake.Compute.Disks);
        Assert.Empty(deployment.Cloud.Fake.Compute.Images);
        Assert.Empty(deployment.Cloud.Fake.Container.NodePools);
        Assert.All(GcpDeployment.PublishedObjects.Where(o => o.Plural != "namespaces" || o.Name != "vllm"),
            o => Assert.True(deployment.Cloud.Kubernetes.Get(o.Plural, o.Namespace, o.Name) is null, $"{o} is still there:\n{output}"));
        Assert.NotNull(deployment.Cloud.Kubernetes.Get("secrets", "vllm", "vllm-hf-token"));
        Assert.NotNull(deployment.Cloud.Kubernetes.Get("namespaces", null, "vllm"));
        Assert.True(output.Contains("kept namespace vllm: it holds objects that are not ours: Secret/vllm-hf-token", StringComparison.Ordinal), output);
        // Destroy forgets the parameters too.
        Assert.DoesNotContain(deployment.StateFiles, f => Path.GetFileName(f) == "production.json");
    }

    [Fact]
    public async Task With_20_percent_transient_faults_in_both_apis_deploy_succeeds_without_duplicates()
    {
        await using var deployment = await AspireDeployment.StartAsync();
        deployment.Cloud.Fake.Faults.Seed(7);
        deployment.Cloud.Fake.Faults.TransientRate = 0.2;
        deployment.Cloud.Kubernetes!.Faults.TransientRate = 0.2;

        var (exit, output) = await deployment.RunAsync("deploy");

        Assert.True(exit == 0, output);
        Assert.Contains(deployment.Cloud.Fake.Requests, r => r.InjectedFault);
        Assert.True(deployment.Cloud.Kubernetes.Faults.TransientInjected > 0);
        deployment.Cloud.Fake.Faults.Clear();
        deployment.Cloud.Kubernetes.Faults.TransientRate = 0;
        deployment.Cloud.AssertConverged();
        deployment.Cloud.AssertPublishedObjectsApplied(output);
    }

    [Fact]
    public async Task Killed_mid_deploy_then_a_rerun_converges_with_no_duplicate_and_no_orphan()
    {
        await using var deployment = await AspireDeployment.StartAsync();
        string killedOutput;
        using (var first = deployment.Start("deploy"))
        {
            // Once the bake is done, while the weights image, disks and workloads are still to come.
            await first.Cli.WaitForLineAsync(line => line.Text.Contains("(deploy-gke) ✓ weights-bake-gemma-7b: ", StringComparison.Ordinal), "the bake's end", TimeSpan.FromMinutes(3));
            first.Kill();
            await first.WaitAsync();
            killedOutput = string.Join('\n', first.Lines);
        }

        Assert.DoesNotContain("deploy succeeded", killedOutput, StringComparison.Ordinal);
        var (exit, output) = await deployment.RunAsync("deploy");

        Assert.True(exit == 0, output);
        deployment.Cloud.AssertConverged();
        deployment.Cloud.AssertPublishedObjectsApplied(output);
        // The rerun adopted what the killed run had created: the bake was not run again.
        AssertMatches(@"\| weights-bake-gemma-7b\s*\| Skipped\s*\| unchanged", output);
    }

    [Fact]
    public async Task A_failed_stage_exits_non_zero_with_the_apis_message_and_a_rerun_continues()
    {
        await using var deployment = await AspireDeployment.StartAsync();
        deployment.Cloud.Kubernetes!.Faults.Permanent["deployments/vllm/vllm"] = 403;

        var (exit, output) = await deployment.RunAsync("deploy");

        Assert.True(exit != 0, output);
        Assert.True(output.Contains("(deploy-gke) ✗ workload-vllm: ", StringComparison.Ordinal), output);
        Assert.True(output.Contains("(deploy-gke) △ hpa: not run: stage 'workload-vllm' failed", StringComparison.Ordinal), output);
        AssertMatches(@"deploy of 'gke' failed: stage workload-vllm: .*403.*Fix the cause and run the command again", output);
        // The autoscaler and the prune of older objects wait for the workload.
        Assert.True(output.Contains("(deploy-gke) △ gcp-prune: not run: stage 'workload-vllm' failed", StringComparison.Ordinal), output);
        Assert.True(output.Contains(" 1 failed, 2 not run", StringComparison.Ordinal), output);
        // The cloud side, which does not wait for the workload, finished.
        Assert.Equal(deployment.Cloud.PlannedNodePools, deployment.Cloud.Fake.Container.NodePools);

        deployment.Cloud.Kubernetes.Faults.Permanent.Clear();
        deployment.Cloud.Fake.ClearRequests();
        (exit, output) = await deployment.RunAsync("deploy");

        Assert.True(exit == 0, output);
        Assert.Empty(deployment.Cloud.Fake.Writes);
        AssertMatches(@"\| workload-vllm\s*\| Succeeded\s*\| created", output);
        deployment.Cloud.AssertConverged();
        Assert.NotNull(deployment.Cloud.Kubernetes.Get("horizontalpodautoscalers", "vllm", "vllm"));
    }

    [Fact]
    public async Task The_dry_run_says_what_deploy_would_change_and_changes_nothing()
    {
        await using var deployment = await AspireDeployment.StartAsync();

        var (exit, output) = await deployment.RunAsync("do", "deploy-gke-dry-run");

        Assert.True(exit == 0, output);
        Assert.Empty(deployment.Cloud.Fake.Writes);
        Assert.Empty(deployment.Cloud.Kubernetes!.Writes);
        Assert.True(output.Contains("(deploy-gke-dry-run) ✓ node-pool-vllm-pool: would create", StringComparison.Ordinal), output);
        Assert.True(output.Contains("GKE deploy (dry run): deploy (dry run) succeeded", StringComparison.Ordinal), output);
    }

    // The whole output on failure: the CLI's log is the evidence.
    private static void AssertMatches(string pattern, string output) =>
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(output, pattern), $"no match for {pattern} in:\n{output}");
}
