using k8s.Models;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Testing.Fakes.Kubernetes;

namespace VllmAspire.Provisioner.Kubernetes.Tests;

public sealed class RolloutTests
{
    [Fact]
    public async Task ImageUpdate_RollsNewPodsIn_BeforeOldOnesGo_SoServingNeverDropsToZero()
    {
        await using var bed = await TestBed.StartAsync(new FakeKubernetesOptions { ReadyDelay = TimeSpan.FromMilliseconds(300) });
        await bed.DeployAsync();
        var before = bed.Fake.Store.List(FakeResourceType.All.Single(t => t.Plural == "pods"), "vllm").Select(p => (string)p["metadata"]!["name"]!).ToList();
        var deployment = (V1Deployment)bed.Manifests.Objects.Single(o => o.Key == "kubernetes/Deployment/vllm/vllm").Object;
        deployment.Spec.Template.Spec.Containers[0].Image = "vllm/vllm-openai:v0.10.2";

        var result = await bed.Stage("workload-vllm").ReconcileAsync(bed.Context(), CancellationToken.None);

        Assert.Equal(StageOutcome.Changed, result.Outcome);
        var pods = bed.Fake.Store.List(FakeResourceType.All.Single(t => t.Plural == "pods"), "vllm");
        var pod = Assert.Single(pods);
        Assert.DoesNotContain((string)pod["metadata"]!["name"]!, before);
        Assert.Equal("vllm/vllm-openai:v0.10.2", (string?)pod["spec"]!["containers"]![0]!["image"]);
        Assert.Equal(2, (int)bed.Fake.Get("deployments", "vllm", "vllm")!["metadata"]!["generation"]!);

        // From the first ready pod on, at least one pod was ready at every moment; two pods existed during the update.
        var samples = bed.Fake.Cluster.ReadyCounts("vllm", "vllm");
        var firstReady = samples.ToList().FindIndex(s => s.Ready > 0);
        Assert.True(firstReady >= 0);
        Assert.All(samples.Skip(firstReady), s => Assert.True(s.Ready >= 1, $"no ready pod at {s.At:O}"));
        Assert.Contains(samples, s => s.Total == 2 && s.Ready == 1);

        // The report covers only the new pod.
        var report = Assert.Single(bed.Stage("workload-vllm").StartupReports);
        Assert.Equal((string)pod["metadata"]!["name"]!, report.Pod);
    }
}
