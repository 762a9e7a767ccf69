using System.Text.Json.Nodes;
using VllmAspire.Testing.Fakes.Gcp;

namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>
/// The real Provisioner executable deploying the AppHost model's GCP plan against the fake Google APIs: from nothing,
/// again, under transient faults, killed with SIGKILL and rerun, with a permanent error, and destroyed.
/// </summary>
public sealed class GcpDeployEndToEndTests
{
    [Fact]
    public async Task A_deploy_from_nothing_creates_exactly_the_planned_resources_and_a_second_changes_nothing()
    {
        await using var deployment = await GcpDeployment.StartAsync();

        var (exit, output) = await deployment.RunAsync("deploy");
        Assert.True(exit == 0, output);
        deployment.AssertConverged();
        // The project policy exists already: the IAM stage changes it, the others create; prune finds nothing older.
        Assert.True(output.Contains("deploy succeeded: 7 stages: 5 created, 1 changed, 1 unchanged", StringComparison.Ordinal), output);

        deployment.Fake.ClearRequests();
        (exit, output) = await deployment.RunAsync("deploy");
        Assert.True(exit == 0, output);
        Assert.Empty(deployment.Fake.Writes);
        Assert.True(output.Contains("deploy succeeded: 7 stages: 0 created, 0 changed, 7 unchanged, 0 deleted, 0 failed, 0 not run", StringComparison.Ordinal), output);
        deployment.AssertConverged();
    }

    [Fact]
    public async Task A_dry_run_from_nothing_changes_nothing()
    {
        await using var deployment = await GcpDeployment.StartAsync();

        var (exit, output) = await deployment.RunAsync("deploy", "--dry-run");

        Assert.True(exit == 0, output);
        Assert.Empty(deployment.Fake.Writes);
        Assert.Empty(deployment.Fake.Compute.Disks);
        Assert.True(output.Contains("deploy (dry run) succeeded", StringComparison.Ordinal), output);
    }

    [Fact]
    public async Task With_20_percent_transient_faults_deploy_succeeds_without_duplicates()
    {
        await using var deployment = await GcpDeployment.StartAsync();
        deployment.Fake.Faults.Seed(20);
        deployment.Fake.Faults.TransientRate = 0.2;

        var (exit, output) = await deployment.RunAsync("deploy");

        Assert.True(exit == 0, output);
        Assert.Contains(deployment.Fake.Requests, r => r.InjectedFault);
        deployment.Fake.Faults.Clear();
        deployment.AssertConverged();
    }

    [Theory]
    [InlineData("image-cache")]
    [InlineData("gemma-7b-d64e632c-bake-disk")]
    [InlineData("project-iam")]
    [InlineData("gemma-7b-d64e632c-image")]
    [InlineData("node-pool-vllm-pool")]
    public async Task Killed_when_a_stage_ends_then_rerun_converges_with_nothing_duplicated_or_orphaned(string stage)
    {
        await using var deployment = await GcpDeployment.StartAsync();
        using (var first = deployment.Start("deploy"))
        {
            await first.WaitForLineAsync(line => line.Text.Contains($" {stage} Succeeded", StringComparison.Ordinal), $"\"{stage} Succeeded\"", TimeSpan.FromSeconds(60));
            first.Process.Kill();
            await first.WaitForExitAsync(GcpDeployment.RunTimeout);
        }

        var (exit, output) = await deployment.RunAsync("deploy");

        Assert.True(exit == 0, output);
        deployment.AssertConverged();
    }

    [Theory]
    [InlineData("compute.instances.insert")]
    [InlineData("compute.images.insert")]
    [InlineData("compute.disks.insert")]
    [InlineData("container.projects.locations.clusters.nodePools.create")]
    [InlineData("cloudresourcemanager.projects.setIamPolicy")]
    [InlineData("compute.instances.delete")]
    public async Task Killed_in_the_middle_of_an_operation_then_rerun_converges_with_nothing_duplicated_or_orphaned(string method)
    {
        await using var deployment = await GcpDeployment.StartAsync();
        using (var first = deployment.Start("deploy"))
        {
            // The request reaches the API, which goes on with it, but the process that sent it dies before the answer.
            var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            deployment.Fake.Faults.OnRequest(method, _ =>
            {
                if (killed.TrySetResult())
                {
                    first.Process.Kill();
                }

                return Task.CompletedTask;
            });
            await first.WaitForExitAsync(GcpDeployment.RunTimeout);
            Assert.True(killed.Task.IsCompleted, $"no {method} request was made:\n{first.Describe()}");
        }

        deployment.Fake.Faults.Clear();
        var (exit, output) = await deployment.RunAsync("deploy");

        Assert.True(exit == 0, output);
        deployment.AssertConverged();
    }

    [Fact]
    public async Task Ctrl_C_stops_the_run_with_a_summary_and_exit_130_and_a_rerun_converges()
    {
        await using var deployment = await GcpDeployment.StartAsync();
        // The builder VM never finishes and the stage would wait for it far longer than the test: only Ctrl+C ends the run.
        deployment.Fake.Compute.BuilderDuration = TimeSpan.FromDays(1);
        deployment.ExtraEnvironment["Gcp__Stages__BuilderTimeout"] = "00:30:00";
        int exit;
        using (var first = deployment.Start("deploy"))
        {
            await first.WaitForLineAsync(line => line.Text.Contains(" image-cache Running waiting for", StringComparison.Ordinal), "\"image-cache Running waiting for\"", TimeSpan.FromSeconds(60));
            first.Signal("INT");
            exit = await first.WaitForExitAsync(GcpDeployment.RunTimeout);
            var printed = first.Describe();
            Assert.True(exit == 130, printed);
            Assert.True(printed.Contains("image-cache Failed canceled before it finished", StringComparison.Ordinal), printed);
            Assert.True(printed.Contains("node-pool-vllm-pool Skipped not run: the run was canceled", StringComparison.Ordinal), printed);
            Assert.True(printed.Contains("deploy canceled: 7 stages:", StringComparison.Ordinal), printed);
        }

        deployment.Fake.Compute.BuilderDuration = TimeSpan.FromMilliseconds(100);
        deployment.ExtraEnvironment.Remove("Gcp__Stages__BuilderTimeout");
        (exit, var output) = await deployment.RunAsync("deploy");
        Assert.True(exit == 0, output);
        deployment.AssertConverged();
    }

    [Fact]
    public async Task A_permanent_error_names_the_failing_stage_blocks_its_dependents_and_the_rest_finishes()
    {
        await using var deployment = await GcpDeployment.StartAsync();
        deployment.Fake.Faults.FailOperationsFor("gemma-7b-weights-d64e632c");

        var (exit, output) = await deployment.RunAsync("deploy");

        Assert.Equal(1, exit);
        Assert.True(output.Contains("error: stage gemma-7b-d64e632c-image: ", StringComparison.Ordinal), output);
        Assert.True(output.Contains("QUOTA_EXCEEDED", StringComparison.Ordinal), output);
        Assert.True(output.Contains("not run: stage 'gemma-7b-d64e632c-image' failed", StringComparison.Ordinal), output);
        // Independent stages ran to their end.
        Assert.Equal(deployment.PlannedNodePools, deployment.Fake.Container.NodePools);
        Assert.Contains("projects/my-project/global/images/gke-image-cache", deployment.Fake.Compute.Images);
        Assert.DoesNotContain("projects/my-project/zones/us-central1-a/disks/gemma-7b-d64e632c-us-central1-a", deployment.Fake.Compute.Disks);
        Assert.Empty(deployment.Fake.Compute.Instances);

        Assert.Empty(deployment.Fake.InvalidRequests);
    }

    [Fact]
    public async Task Destroy_removes_everything_labelled_and_nothing_else_and_is_safe_to_rerun()
    {
        await using var deployment = await GcpDeployment.StartAsync();
        // Someone else's objects in the same project, one of them with a name we would use.
        deployment.Fake.Compute.AddDisk(GcpDeployment.Project, "us-central1-a", "team-data", new Dictionary<string, string> { ["app"] = "other" });
        deployment.Fake.Compute.AddImage(GcpDeployment.Project, "base-image");
        deployment.Fake.ResourceManager.ChangePolicy(GcpDeployment.Project, policy =>
            ((JsonArray)(policy["bindings"] ??= new JsonArray())).Add(new JsonObject { ["role"] = "roles/viewer", ["members"] = new JsonArray("user:someone@example.com") }));
        string[] otherDisks = ["projects/my-project/zones/us-central1-a/disks/team-data"];
        string[] otherImages = ["projects/my-project/global/images/base-image"];

        var (exit, output) = await deployment.RunAsync("deploy");
        Assert.True(exit == 0, output);
        deployment.AssertConverged(otherDisks, otherImages);

        (exit, output) = await deployment.RunAsync("destroy");
        Assert.True(exit == 0, output);
        Assert.Equal(otherDisks, deployment.Fake.Compute.Disks);
        Assert.Equal(otherImages, deployment.Fake.Compute.Images);
        Assert.Empty(deployment.Fake.Container.NodePools);
        Assert.Empty(deployment.Fake.Compute.Instances);
        Assert.True(deployment.HasBinding("roles/viewer", "user:someone@example.com"));
        Assert.All(deployment.PlannedMembers(), m => Assert.False(deployment.HasBinding(m.Role, m.Member), $"{m.Role} for {m.Member} is still bound"));

        deployment.Fake.ClearRequests();
        (exit, output) = await deployment.RunAsync("destroy");
        Assert.True(exit == 0, output);
        Assert.Empty(deployment.Fake.Writes);
        Assert.Equal(otherDisks, deployment.Fake.Compute.Disks);
    }
}
