using k8s.Models;
using VllmAspire.Provisioner.Kubernetes;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Provisioner.Stages.Kubernetes;
using VllmAspire.Testing.Fakes.Kubernetes;

namespace VllmAspire.Provisioner.Kubernetes.Tests;

public sealed class ModelUpdateTests
{
    private const string OldClaim = "gemma-7b-us-central1-a";
    private const string NewClaim = "gemma-7b-v2-us-central1-a";

    [Fact]
    public async Task ModelUpdate_RollsOntoNewVolumes_AndDeletesTheOldOnesOnlyOnceTheNewPodServes()
    {
        await using var bed = await TestBed.StartAsync(new FakeKubernetesOptions { ReadyDelay = TimeSpan.FromMilliseconds(300) });
        await bed.DeployAsync();
        PublishNewWeights(bed.Manifests);
        var stages = KubernetesStageFactory.Create(bed.Manifests, bed.Plan);
        bool? newPodReadyAtDelete = null;
        bed.Fake.Faults.OnRequest = (method, path) =>
        {
            if (method == "DELETE" && path.EndsWith($"/persistentvolumeclaims/{OldClaim}", StringComparison.Ordinal))
            {
                newPodReadyAtDelete = bed.Fake.Store.List(FakeResourceType.All.Single(t => t.Plural == "pods"), "vllm").Any(p =>
                    p["spec"]!["volumes"]![0]!["persistentVolumeClaim"]!["claimName"]!.ToString() == NewClaim
                    && p["status"]!["conditions"]!.AsArray().Any(c => (string?)c!["type"] == "Ready" && (string?)c["status"] == "True"));
            }
        };

        var dryRun = await stages.Single(s => s.Name == "workload-vllm").ReconcileAsync(bed.Context(dryRun: true), CancellationToken.None);
        var results = new Dictionary<string, StageResult>();
        foreach (var stage in stages)
        {
            results[stage.Name] = await stage.ReconcileAsync(bed.Context(), CancellationToken.None);
        }

        Assert.Contains($"would delete the replaced kubernetes/PersistentVolumeClaim/vllm/{OldClaim} and kubernetes/PersistentVolume/{OldClaim} after the rollout", dryRun.Message, StringComparison.Ordinal);
        Assert.Equal(StageOutcome.Created, results["weights-volumes-gemma-7b"].Outcome);
        Assert.Equal(StageOutcome.Changed, results["workload-vllm"].Outcome);
        Assert.Contains($"deleted the replaced weights volumes kubernetes/PersistentVolumeClaim/vllm/{OldClaim}, kubernetes/PersistentVolume/{OldClaim}", results["workload-vllm"].Message, StringComparison.Ordinal);
        Assert.True(newPodReadyAtDelete, "the old claim was deleted before a pod on the new one was ready");
        Assert.Null(bed.Fake.Get("persistentvolumeclaims", "vllm", OldClaim));
        Assert.Null(bed.Fake.Get("persistentvolumes", null, OldClaim));
        Assert.Equal("Bound", (string?)bed.Fake.Get("persistentvolumeclaims", "vllm", NewClaim)!["status"]!["phase"]);
        var samples = bed.Fake.Cluster.ReadyCounts("vllm", "vllm");
        Assert.All(samples.SkipWhile(s => s.Ready == 0), s => Assert.True(s.Ready >= 1, $"no ready pod at {s.At:O}"));

        // Rerunning finds nothing left to retire.
        var again = await stages.Single(s => s.Name == "workload-vllm").ReconcileAsync(bed.Context(), CancellationToken.None);
        Assert.Equal(StageOutcome.Unchanged, again.Outcome);
    }

    // What publish writes after the weights change: a new disk, PV and PVC, and the Deployment mounting the new claim.
    private static void PublishNewWeights(ManifestSet manifests)
    {
        var volume = (V1PersistentVolume)manifests.Objects.Single(o => o.Key == $"kubernetes/PersistentVolume/{OldClaim}").Object;
        volume.Metadata.Name = NewClaim;
        volume.Spec.Csi.VolumeHandle = $"projects/my-project/zones/us-central1-a/disks/{NewClaim}";
        volume.Spec.ClaimRef.Name = NewClaim;
        var claim = (V1PersistentVolumeClaim)manifests.Objects.Single(o => o.Key == $"kubernetes/PersistentVolumeClaim/vllm/{OldClaim}").Object;
        claim.Metadata.Name = NewClaim;
        claim.Spec.VolumeName = NewClaim;
        var deployment = (V1Deployment)manifests.Objects.Single(o => o.Key == "kubernetes/Deployment/vllm/vllm").Object;
        deployment.Spec.Template.Spec.Volumes.Single(v => v.Name == "weights").PersistentVolumeClaim.ClaimName = NewClaim;
    }
}
