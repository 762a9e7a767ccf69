using k8s.Models;
using VllmAspire.Provisioner.Kubernetes;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Provisioner.Stages.Kubernetes;
using VllmAspire.Testing.Fakes.Kubernetes;

namespace VllmAspire.Provisioner.Kubernetes.Tests;

public sealed class ModelUpdateTests
{
    private const string VersionLabel = "vllm-aspire/weights-version";
    private const string NewVersion = "0badc0de";

    [Fact]
    public async Task ModelUpdate_RollsOntoNewVolumes_AndDeletesTheOldOnesOnlyOnceTheNewPodServes()
    {
        await using var bed = await TestBed.StartAsync(new FakeKubernetesOptions { ReadyDelay = TimeSpan.FromMilliseconds(300) });
        await bed.DeployAsync();
        var oldClaim = bed.WeightsClaim.Name;
        var newClaim = oldClaim.Replace(bed.WeightsClaim.Labels[VersionLabel], NewVersion, StringComparison.Ordinal);
        Assert.NotEqual(oldClaim, newClaim);
        PublishNewWeights(bed, newClaim);
        var stages = KubernetesStageFactory.Create(bed.Manifests, bed.Plan);
        bool? newPodReadyAtDelete = null;
        bed.Fake.Faults.OnRequest = (method, path) =>
        {
            if (method == "DELETE" && path.EndsWith($"/persistentvolumeclaims/{oldClaim}", StringComparison.Ordinal))
            {
                newPodReadyAtDelete = bed.Fake.Store.List(FakeResourceType.All.Single(t => t.Plural == "pods"), "vllm").Any(p =>
                    p["spec"]!["volumes"]![0]!["persistentVolumeClaim"]!["claimName"]!.ToString() == newClaim
                    && p["status"]!["conditions"]!.AsArray().Any(c => (string?)c!["type"] == "Ready" && (string?)c["status"] == "True"));
            }
        };

        var dryRun = await stages.Single(s => s.Name == bed.WorkloadStage.Name).ReconcileAsync(bed.Context(dryRun: true), CancellationToken.None);
        var results = new Dictionary<string, StageResult>();
        foreach (var stage in stages)
        {
            results[stage.Name] = await stage.ReconcileAsync(bed.Context(), CancellationToken.None);
        }

        Assert.Contains($"would delete the replaced kubernetes/PersistentVolumeClaim/vllm/{oldClaim} and kubernetes/PersistentVolume/{oldClaim} after the rollout", dryRun.Message, StringComparison.Ordinal);
        Assert.Equal(StageOutcome.Created, results["weights-volumes-gemma-7b"].Outcome);
        Assert.Equal(StageOutcome.Changed, results["workload-vllm"].Outcome);
        Assert.Contains($"deleted the replaced weights volumes kubernetes/PersistentVolumeClaim/vllm/{oldClaim}, kubernetes/PersistentVolume/{oldClaim}", results["workload-vllm"].Message, StringComparison.Ordinal);
        Assert.True(newPodReadyAtDelete, "the old claim was deleted before a pod on the new one was ready");
        Assert.Null(bed.Fake.Get("persistentvolumeclaims", "vllm", oldClaim));
        Assert.Null(bed.Fake.Get("persistentvolumes", null, oldClaim));
        Assert.Equal("Bound", (string?)bed.Fake.Get("persistentvolumeclaims", "vllm", newClaim)!["status"]!["phase"]);
        var samples = bed.Fake.Cluster.ReadyCounts("vllm", "vllm");
        Assert.All(samples.SkipWhile(s => s.Ready == 0), s => Assert.True(s.Ready >= 1, $"no ready pod at {s.At:O}"));

        // Rerunning finds nothing left to retire.
        var again = await stages.Single(s => s.Name == bed.WorkloadStage.Name).ReconcileAsync(bed.Context(), CancellationToken.None);
        Assert.Equal(StageOutcome.Unchanged, again.Outcome);
    }

    // What publish writes after the weights change: a new weights version naming a new disk, PV and PVC, and the
    // Deployment (labelled with the new version) mounting the new claim.
    private static void PublishNewWeights(TestBed bed, string newClaim)
    {
        var volume = (V1PersistentVolume)bed.WeightsVolume.Object;
        var claim = (V1PersistentVolumeClaim)bed.WeightsClaim.Object;
        var deployment = (V1Deployment)bed.Deployment.Object;
        volume.Metadata.Name = newClaim;
        volume.Spec.Csi.VolumeHandle = string.Join('/', [.. volume.Spec.Csi.VolumeHandle.Split('/')[..^1], newClaim]);
        volume.Spec.ClaimRef.Name = newClaim;
        claim.Metadata.Name = newClaim;
        claim.Spec.VolumeName = newClaim;
        deployment.Spec.Template.Spec.Volumes.Single(v => v.Name == "weights").PersistentVolumeClaim.ClaimName = newClaim;
        foreach (var labels in new[] { volume.Metadata.Labels, claim.Metadata.Labels, deployment.Metadata.Labels, deployment.Spec.Template.Metadata.Labels })
        {
            labels[VersionLabel] = NewVersion;
        }
    }
}
