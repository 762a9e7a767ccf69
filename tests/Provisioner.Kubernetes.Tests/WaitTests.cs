using System.Text.Json.Nodes;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Testing.Fakes.Kubernetes;

namespace VllmAspire.Provisioner.Kubernetes.Tests;

public sealed class WaitTests
{
    // The rollout timeout counts from when the pod is stuck (StuckBedAsync), so it can be short.
    private static readonly KubernetesWaitOptions ShortWaits = new()
    {
        PollInterval = TimeSpan.FromMilliseconds(20),
        JobTimeout = TimeSpan.FromSeconds(10),
        RolloutTimeout = TimeSpan.FromSeconds(1),
        ClaimBindTimeout = TimeSpan.FromSeconds(10),
        DeletionTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>
    /// A bed whose waits are timed by a clock that starts only once a vLLM pod in the fake is stuck as <paramref name="stuck"/>
    /// says: the rollout's timeout cannot pass before the fake has put the reason the error must name in place, however
    /// slowly a busy machine gets there.
    /// </summary>
    private static async Task<TestBed> StuckBedAsync(FakeKubernetesOptions options, Func<JsonObject, bool> stuck)
    {
        var clock = new HeldClock(limit: TimeSpan.FromSeconds(60));
        var bed = await TestBed.StartAsync(options, ShortWaits, time: clock);
        clock.StartWhen(() => bed.Fake.Store.List(FakeResourceType.All.Single(t => t.Plural == "pods"), "vllm").Any(stuck));
        return bed;
    }

    private static bool Unscheduled(JsonObject pod) =>
        pod["status"]?["conditions"]?.AsArray().Any(c => (string?)c!["type"] == "PodScheduled" && (string?)c["status"] == "False") == true;

    // statuses: containerStatuses or initContainerStatuses.
    private static Func<JsonObject, bool> Waiting(string statuses, string reason) => pod =>
        pod["status"]?[statuses]?.AsArray().Any(c => (string?)c!["state"]?["waiting"]?["reason"] == reason) == true;

    [Fact]
    public async Task BakeStage_WaitsForTheJob_AndProvidesIt()
    {
        var options = new FakeKubernetesOptions { JobDuration = TimeSpan.FromSeconds(1) };
        await using var bed = await TestBed.StartAsync(options);
        await bed.ReconcileAsync("kubernetes-base");

        var result = await bed.BakeStage.ReconcileAsync(bed.Context(), CancellationToken.None);

        Assert.Equal(StageOutcome.Created, result.Outcome);
        var job = bed.Fake.Get("jobs", "vllm", bed.BakeJob.Name)!;
        Assert.Contains(job["status"]!["conditions"]!.AsArray(), c => (string?)c!["type"] == "Complete" && (string?)c["status"] == "True");
        Assert.Contains(bed.ProgressNotes, n => n.Message.Contains($"Job {bed.BakeJob.Name}: 1 active", StringComparison.Ordinal));
        Assert.Contains(bed.BakeJob.Key, result.Objects);
    }

    [Fact]
    public async Task FailedJob_IsAPermanentError_WithTheJobsReason()
    {
        var job = ManifestSet.Load(Paths.GoldenOutput).OfKind(KubernetesKinds.Job).Single();
        var options = new FakeKubernetesOptions();
        options.FailingJobs.Add($"{job.Namespace}/{job.Name}");
        await using var bed = await TestBed.StartAsync(options);
        await bed.ReconcileAsync("kubernetes-base");

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => bed.BakeStage.ReconcileAsync(bed.Context(), CancellationToken.None));

        Assert.Equal(job.Key, error.Resource);
        Assert.Equal("Job failed (BackoffLimitExceeded): Job has reached the specified backoff limit", error.Reason);
        Assert.Contains($"kubectl logs -n vllm job/{job.Name}", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StuckRollout_OfUnschedulablePods_SaysWhy()
    {
        await using var bed = await StuckBedAsync(new FakeKubernetesOptions { Unschedulable = true }, Unscheduled);
        await bed.ReconcileAsync("kubernetes-base", bed.VolumesStage.Name);

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => bed.Stage("workload-vllm").ReconcileAsync(bed.Context(), CancellationToken.None));

        Assert.Equal("kubernetes/Deployment/vllm/vllm", error.Resource);
        Assert.Contains("rollout did not finish", error.Reason, StringComparison.Ordinal);
        Assert.Contains("Unschedulable: 0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector", error.Reason, StringComparison.Ordinal);
        Assert.Contains("node pool", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StuckRollout_OnAnImagePullError_SaysWhy()
    {
        await using var bed = await StuckBedAsync(new FakeKubernetesOptions { ImagePullFails = true }, Waiting("containerStatuses", "ErrImagePull"));
        await bed.ReconcileAsync("kubernetes-base", bed.VolumesStage.Name);

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => bed.Stage("workload-vllm").ReconcileAsync(bed.Context(), CancellationToken.None));

        Assert.Contains("container vllm ErrImagePull: Failed to pull image \"vllm/vllm-openai:v0.10.1\"", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StuckRollout_OnTheSidecarsImagePullError_NamesTheInitContainer()
    {
        await using var bed = await StuckBedAsync(new FakeKubernetesOptions { InitImagePullFails = true }, Waiting("initContainerStatuses", "ErrImagePull"));
        await bed.ReconcileAsync("kubernetes-base", bed.VolumesStage.Name);
        var sidecar = ((k8s.Models.V1Deployment)bed.Deployment.Object).Spec.Template.Spec.InitContainers.Single();

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => bed.WorkloadStage.ReconcileAsync(bed.Context(), CancellationToken.None));

        Assert.Equal(bed.Deployment.Key, error.Resource);
        Assert.Contains($"init container {sidecar.Name} ErrImagePull: Failed to pull image \"{sidecar.Image}\"", error.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("container vllm", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VolumesStage_WaitsUntilTheClaimIsBoundToItsVolume()
    {
        await using var bed = await TestBed.StartAsync();
        await bed.ReconcileAsync("kubernetes-base");

        await bed.VolumesStage.ReconcileAsync(bed.Context(), CancellationToken.None);

        Assert.Equal("Bound", (string?)bed.Fake.Get("persistentvolumeclaims", "vllm", bed.WeightsClaim.Name)!["status"]!["phase"]);
        Assert.Equal("Bound", (string?)bed.Fake.Get("persistentvolumes", null, bed.WeightsVolume.Name)!["status"]!["phase"]);
    }
}
