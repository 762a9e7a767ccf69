using System.Text.Json.Nodes;
using k8s.Models;
using VllmAspire.Provisioner.Stages;

namespace VllmAspire.Provisioner.Kubernetes.Tests;

public sealed class RerunTests
{
    [Fact]
    public async Task DeployInterruptedWhenTheJobIsApplied_ConvergesOnRerun_WithNothingDuplicated()
    {
        await using var bed = await TestBed.StartAsync();
        var jobName = bed.BakeJob.Name;
        using var crash = new CancellationTokenSource();
        bed.Fake.Faults.OnRequest = (method, path) =>
        {
            if (method == "PATCH" && path.EndsWith($"/jobs/{jobName}", StringComparison.Ordinal))
            {
                crash.Cancel();
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => bed.DeployAsync(cancellationToken: crash.Token));
        bed.Fake.Faults.OnRequest = null;
        var jobAfterCrash = bed.Fake.Get("jobs", "vllm", jobName);

        var rerun = await bed.DeployAsync();

        Assert.Equal(StageOutcome.Unchanged, rerun["kubernetes-base"].Outcome);
        Assert.All(rerun.Values, r => Assert.NotNull(r.Message));
        var job = bed.Fake.Get("jobs", "vllm", jobName)!;
        if (jobAfterCrash is not null)
        {
            // The apply landed before the crash: the rerun adopted that Job rather than making another.
            Assert.Equal((string?)jobAfterCrash["metadata"]!["uid"], (string?)job["metadata"]!["uid"]);
        }

        Assert.Equal(1, (int)job["metadata"]!["generation"]!);
        Assert.Single(bed.Fake.Store.List(Testing.Fakes.Kubernetes.FakeResourceType.All.Single(t => t.Plural == "pods"), "vllm"));
    }

    [Fact]
    public async Task DriftBySomeoneElse_IsPutBack_AndOnlyThatObjectIsWritten()
    {
        await using var bed = await TestBed.StartAsync();
        await bed.DeployAsync();
        bed.Fake.Seed(JsonNode.Parse("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"vllm","namespace":"vllm"},"spec":{"type":"NodePort"}}""")!.AsObject(), "kubectl-edit");
        var writes = bed.Fake.Writes.Count;

        var results = await bed.DeployAsync();

        Assert.Equal(StageOutcome.Changed, results["workload-vllm"].Outcome);
        Assert.All(results.Where(r => r.Key != "workload-vllm"), r => Assert.Equal(StageOutcome.Unchanged, r.Value.Outcome));
        var write = Assert.Single(bed.Fake.Writes.Skip(writes));
        Assert.EndsWith("/namespaces/vllm/services/vllm", write.Path, StringComparison.Ordinal);
        Assert.Equal("ClusterIP", (string?)bed.Fake.Get("services", "vllm", "vllm")!["spec"]!["type"]);
    }

    [Fact]
    public async Task AFieldRemovedFromTheManifest_IsRemovedFromTheCluster()
    {
        await using var bed = await TestBed.StartAsync();
        await bed.DeployAsync();
        var deployment = (V1Deployment)bed.Manifests.Objects.Single(o => o.Key == "kubernetes/Deployment/vllm/vllm").Object;
        deployment.Spec.Template.Spec.NodeSelector.Remove("topology.gke.io/zone");

        var dryRun = await bed.Stage("workload-vllm").ReconcileAsync(bed.Context(dryRun: true), CancellationToken.None);
        var result = await bed.Stage("workload-vllm").ReconcileAsync(bed.Context(), CancellationToken.None);

        Assert.Contains("(.spec.template.spec.nodeSelector.topology.gke.io/zone (removed))", dryRun.Message, StringComparison.Ordinal);
        Assert.Equal(StageOutcome.Changed, result.Outcome);
        var selector = bed.Fake.Get("deployments", "vllm", "vllm")!["spec"]!["template"]!["spec"]!["nodeSelector"]!.AsObject();
        Assert.False(selector.ContainsKey("topology.gke.io/zone"));
        Assert.Equal((string?)bed.Plan.Steps.Single(s => s.Id == "node-pool-vllm-pool").Body!["nodePool"]!["name"], (string?)selector["cloud.google.com/gke-nodepool"]);
    }

    [Fact]
    public async Task ReplicasTheAutoscalerSet_AreLeftAlone()
    {
        await using var bed = await TestBed.StartAsync();
        await bed.DeployAsync();
        bed.Fake.Seed(JsonNode.Parse("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"vllm","namespace":"vllm"},"spec":{"replicas":3}}""")!.AsObject(), "kube-controller-manager");
        var writes = bed.Fake.Writes.Count;

        var result = await bed.Stage("workload-vllm").ReconcileAsync(bed.Context(), CancellationToken.None);

        Assert.Equal(StageOutcome.Unchanged, result.Outcome);
        Assert.Equal(writes, bed.Fake.Writes.Count);
        Assert.Equal(3, (int)bed.Fake.Get("deployments", "vllm", "vllm")!["spec"]!["replicas"]!);
        Assert.Equal(3, bed.Stage("workload-vllm").StartupReports.Count);

        // A template change is applied without the replica count, so the autoscaler's 3 stay.
        var deployment = (V1Deployment)bed.Manifests.Objects.Single(o => o.Key == "kubernetes/Deployment/vllm/vllm").Object;
        deployment.Spec.Template.Spec.Containers[0].Image = "vllm/vllm-openai:v0.10.2";
        await bed.Stage("workload-vllm").ReconcileAsync(bed.Context(), CancellationToken.None);
        Assert.Equal(3, (int)bed.Fake.Get("deployments", "vllm", "vllm")!["spec"]!["replicas"]!);
        Assert.DoesNotContain("\"replicas\"", bed.Fake.Writes[^1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChangedBakeJob_IsReplaced_BecauseItsTemplateIsImmutable()
    {
        await using var bed = await TestBed.StartAsync();
        await bed.DeployAsync();
        var before = (string?)bed.Fake.Get("jobs", "vllm", bed.BakeJob.Name)!["metadata"]!["uid"];
        var job = (V1Job)bed.BakeJob.Object;
        job.Spec.Template.Spec.Containers[0].Command[4] = "gs://my-bucket/models/gemma-7b-v2/*";

        var dryRun = await bed.BakeStage.ReconcileAsync(bed.Context(dryRun: true), CancellationToken.None);
        var result = await bed.BakeStage.ReconcileAsync(bed.Context(), CancellationToken.None);

        Assert.Contains($"would replace {bed.BakeJob.Key} (.spec.template.spec.containers[0].command[4])", dryRun.Message, StringComparison.Ordinal);
        Assert.Equal(StageOutcome.Changed, result.Outcome);
        var after = bed.Fake.Get("jobs", "vllm", bed.BakeJob.Name)!;
        Assert.NotEqual(before, (string?)after["metadata"]!["uid"]);
        Assert.Equal("gs://my-bucket/models/gemma-7b-v2/*", (string?)after["spec"]!["template"]!["spec"]!["containers"]![0]!["command"]![4]);
        Assert.Contains(after["status"]!["conditions"]!.AsArray(), c => (string?)c!["type"] == "Complete");
    }
}
