using k8s.Models;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Testing.Fakes.Kubernetes;

namespace VllmAspire.Provisioner.Kubernetes.Tests;

/// <summary>The two-zone golden (gcp-zone lists two zones): one Deployment, claim and autoscaler per zone.</summary>
public sealed class MultiZoneTests
{
    [Fact]
    public void Load_ReadsOneDeploymentPerZone_EachMountingItsZonesClaim()
    {
        var manifests = ManifestSet.Load(Paths.GoldenTwoZonesOutput);

        var deployments = manifests.OfKind(KubernetesKinds.Deployment).Where(o => o.Labels["app.kubernetes.io/component"] == "inference-server").ToList();
        Assert.Equal(2, deployments.Count);
        foreach (var deployment in deployments)
        {
            var spec = ((V1Deployment)deployment.Object).Spec;
            var zone = spec.Template.Spec.NodeSelector["topology.gke.io/zone"];
            Assert.Equal($"vllm-{zone}", deployment.Name);
            var claim = spec.Template.Spec.Volumes.Single(v => v.Name == "weights").PersistentVolumeClaim.ClaimName;
            var volume = (V1PersistentVolume)manifests.OfKind(KubernetesKinds.PersistentVolume).Single(o => o.Name == claim).Object;
            Assert.Equal(zone, volume.Spec.NodeAffinity.Required.NodeSelectorTerms[0].MatchExpressions[0].Values.Single());
            Assert.Contains(manifests.OfKind(KubernetesKinds.HorizontalPodAutoscaler), h => ((V2HorizontalPodAutoscaler)h.Object).Spec.ScaleTargetRef.Name == deployment.Name);
        }
    }

    [Fact]
    public async Task Deploy_RollsOutEveryZone_ReportsEachZonesPod_AndDestroyRemovesThemAll()
    {
        await using var bed = await TestBed.StartAsync(output: Paths.GoldenTwoZonesOutput);
        var deployments = bed.Manifests.OfKind(KubernetesKinds.Deployment).Where(o => o.Labels["app.kubernetes.io/component"] == "inference-server").ToList();

        var results = await bed.DeployAsync();

        Assert.All(results.Values, r => Assert.Equal(StageOutcome.Created, r.Outcome));
        var pods = bed.Fake.Store.List(FakeResourceType.All.Single(t => t.Plural == "pods"), "vllm");
        Assert.Equal(deployments.Count, pods.Count);
        foreach (var deployment in deployments)
        {
            var live = bed.Fake.Get("deployments", "vllm", deployment.Name)!;
            Assert.Equal(1, (int?)live["status"]!["readyReplicas"]);
            var zone = ((V1Deployment)deployment.Object).Spec.Template.Spec.NodeSelector["topology.gke.io/zone"];
            Assert.Single(pods, p => (string?)p["metadata"]!["labels"]!["vllm-aspire/zone"] == zone && ((string)p["metadata"]!["name"]!).StartsWith($"{deployment.Name}-", StringComparison.Ordinal));
        }

        // One start-up report per zone's pod, in the one workload stage.
        var reports = bed.Stage("workload-vllm").StartupReports;
        Assert.Equal(deployments.Count, reports.Count);
        Assert.All(deployments, d => Assert.Single(reports, r => r.Pod.StartsWith($"{d.Name}-", StringComparison.Ordinal)));
        Assert.All(reports, r => Assert.NotNull(r.WeightLoad));

        var destroyed = await bed.DestroyAsync();

        Assert.All(destroyed.Values, r => Assert.Equal(StageOutcome.Deleted, r.Outcome));
        foreach (var manifest in bed.Manifests.Objects)
        {
            Assert.Null(await bed.Operations.GetAsync(manifest.Kind, manifest.Namespace, manifest.Name, CancellationToken.None));
        }
    }
}
