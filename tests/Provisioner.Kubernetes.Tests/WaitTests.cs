using VllmAspire.Provisioner.Stages;
using VllmAspire.Testing.Fakes.Kubernetes;

namespace VllmAspire.Provisioner.Kubernetes.Tests;

public sealed class WaitTests
{
    private static readonly KubernetesWaitOptions ShortWaits = new()
    {
        PollInterval = TimeSpan.FromMilliseconds(20),
        JobTimeout = TimeSpan.FromSeconds(10),
        RolloutTimeout = TimeSpan.FromSeconds(3),
        ClaimBindTimeout = TimeSpan.FromSeconds(10),
        DeletionTimeout = TimeSpan.FromSeconds(10),
    };

    [Fact]
    public async Task BakeStage_WaitsForTheJob_AndProvidesIt()
    {
        var options = new FakeKubernetesOptions { JobDuration = TimeSpan.FromSeconds(1) };
        await using var bed = await TestBed.StartAsync(options);
        await bed.ReconcileAsync("kubernetes-base");

        var result = await bed.Stage("weights-bake-gemma-7b").ReconcileAsync(bed.Context(), CancellationToken.None);

        Assert.Equal(StageOutcome.Created, result.Outcome);
        var job = bed.Fake.Get("jobs", "vllm", "gemma-7b-bake")!;
        Assert.Contains(job["status"]!["conditions"]!.AsArray(), c => (string?)c!["type"] == "Complete" && (string?)c["status"] == "True");
        Assert.Contains(bed.ProgressNotes, n => n.Message.Contains("Job gemma-7b-bake: 1 active", StringComparison.Ordinal));
        Assert.Contains("kubernetes/Job/vllm/gemma-7b-bake", result.Objects);
    }

    [Fact]
    public async Task FailedJob_IsAPermanentError_WithTheJobsReason()
    {
        var options = new FakeKubernetesOptions();
        options.FailingJobs.Add("vllm/gemma-7b-bake");
        await using var bed = await TestBed.StartAsync(options);
        await bed.ReconcileAsync("kubernetes-base");

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => bed.Stage("weights-bake-gemma-7b").ReconcileAsync(bed.Context(), CancellationToken.None));

        Assert.Equal("kubernetes/Job/vllm/gemma-7b-bake", error.Resource);
        Assert.Equal("Job failed (BackoffLimitExceeded): Job has reached the specified backoff limit", error.Reason);
        Assert.Contains("kubectl logs -n vllm job/gemma-7b-bake", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StuckRollout_OfUnschedulablePods_SaysWhy()
    {
        await using var bed = await TestBed.StartAsync(new FakeKubernetesOptions { Unschedulable = true }, ShortWaits);
        await bed.ReconcileAsync("kubernetes-base", "weights-volumes-gemma-7b");

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => bed.Stage("workload-vllm").ReconcileAsync(bed.Context(), CancellationToken.None));

        Assert.Equal("kubernetes/Deployment/vllm/vllm", error.Resource);
        Assert.Contains("rollout did not finish", error.Reason, StringComparison.Ordinal);
        Assert.Contains("Unschedulable: 0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector", error.Reason, StringComparison.Ordinal);
        Assert.Contains("node pool", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StuckRollout_OnAnImagePullError_SaysWhy()
    {
        await using var bed = await TestBed.StartAsync(new FakeKubernetesOptions { ImagePullFails = true }, ShortWaits);
        await bed.ReconcileAsync("kubernetes-base", "weights-volumes-gemma-7b");

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => bed.Stage("workload-vllm").ReconcileAsync(bed.Context(), CancellationToken.None));

        Assert.Contains("container vllm ErrImagePull: Failed to pull image \"vllm/vllm-openai:v0.10.1\"", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VolumesStage_WaitsUntilTheClaimIsBoundToItsVolume()
    {
        await using var bed = await TestBed.StartAsync();
        await bed.ReconcileAsync("kubernetes-base");

        await bed.Stage("weights-volumes-gemma-7b").ReconcileAsync(bed.Context(), CancellationToken.None);

        Assert.Equal("Bound", (string?)bed.Fake.Get("persistentvolumeclaims", "vllm", "gemma-7b-us-central1-a")!["status"]!["phase"]);
        Assert.Equal("Bound", (string?)bed.Fake.Get("persistentvolumes", null, "gemma-7b-us-central1-a")!["status"]!["phase"]);
    }
}
