using System.Security.Cryptography;
using System.Text;
using Aspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Publishing;

/// <summary>A vLLM server with everything publishing needs to place it on GKE: its weights, their disk and its node pool.</summary>
/// <param name="Vllm">The vLLM resource.</param>
/// <param name="Weights">The weights it serves.</param>
/// <param name="Disk">How the weights are published.</param>
/// <param name="NodePool">The GPU node pool it runs on.</param>
/// <param name="Autoscaling">Its autoscaler, when it has one.</param>
public sealed record GkeWorkload(VllmResource Vllm, ModelWeightsResource Weights, PersistentDiskAnnotation Disk, GkeNodePoolAnnotation NodePool,
    AutoscalingAnnotation? Autoscaling)
{
    /// <summary>
    /// Gets the node pool's name in GKE (<see cref="GkePlanBuilder.NodePoolName"/>): the declared name with a hash of
    /// the pool's unchangeable configuration, which the pods select, so a new pool configuration moves them.
    /// </summary>
    public required string NodePoolName { get; init; }

    /// <summary>Gets the image reference, pinned as declared.</summary>
    public string Image => Vllm.Image.Reference;

    /// <summary>Gets how the pod loads its weights: vLLM's loader flags and whether the prefetch sidecar runs.</summary>
    public VllmLoaderSettings Loader { get; init; } = VllmLoaderSettings.For(VllmLoadStrategy.Default, "");

    /// <summary>Gets the reader threads of the prefetch sidecar and the parallel loaders.</summary>
    public int LoadConcurrency { get; init; } = VllmLoaderSettings.DefaultConcurrency;

    /// <summary>Gets the prefetch sidecar's image (the Provisioner's), when <see cref="Loader"/> has the sidecar.</summary>
    public string? PrefetchImage { get; init; }

    /// <summary>
    /// Gets whether vLLM's torch.compile cache is baked with the weights (<c>WithCompileCache</c>): the bake runs vLLM once
    /// to fill it, and each pod starts from a copy (<see cref="VllmCompileCacheManifests"/>).
    /// </summary>
    public bool CompileCache { get; init; }

    /// <summary>Gets the pod's memory limit in bytes (<c>WithMemoryLimit</c>), or <see langword="null"/> for none.</summary>
    public long? PodMemoryLimitBytes { get; init; }

    /// <summary>Gets the weights' size in bytes when declared with <c>WithSize</c>.</summary>
    public long? WeightsBytes => WeightsSizeGiB is { } gib ? (long)Math.Ceiling(gib * (1L << 30)) : null;

    /// <summary>Gets the weights' size in GiB when declared with <c>WithSize</c>.</summary>
    public double? WeightsSizeGiB => Weights.TryGetLastAnnotation<ModelSizeAnnotation>(out var size) ? size.SizeGiB : null;

    /// <summary>
    /// Gets the weights version: the first 8 hex digits of SHA-256 over the source and the revision
    /// (<c>WithRevision</c>), and with <see cref="CompileCache"/> over what vLLM keys its compile cache on (the image, the
    /// serving flags and environment, the GPU: <see cref="VllmCompileCacheManifests.VersionFactor"/>), as the cache is
    /// baked into the same disk image. The names of everything that holds the weights carry it, so a new version is
    /// created beside the old one and the old one can be deleted once the new pods are healthy.
    /// </summary>
    public string WeightsVersion
    {
        get
        {
            var revision = Weights.TryGetLastAnnotation<ModelRevisionAnnotation>(out var r) ? r.Revision : "";
            var cache = CompileCache ? $"\ncompile-cache={VllmCompileCacheManifests.VersionFactor(this)}" : "";
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{Weights.Source}\n{revision}{cache}"));
            return Convert.ToHexStringLower(hash.AsSpan(0, 4));
        }
    }

    /// <summary>Gets the name of the per-zone weights disk, PV and PVC.</summary>
    /// <param name="zone">The zone.</param>
    /// <returns>The name.</returns>
    public string WeightsVolumeName(string zone) => $"{Weights.Name}-{WeightsVersion}-{zone}";

    /// <summary>
    /// Gets the name of the vLLM Deployment (and its HPA) in <paramref name="zone"/>: the resource's name in one zone;
    /// with several zones one Deployment per zone, because a pod template names one claim and each zone has its own.
    /// </summary>
    /// <param name="target">The GKE target.</param>
    /// <param name="zone">The zone.</param>
    /// <returns>The name.</returns>
    public string DeploymentName(GkeTarget target, string zone) => target.IsMultiZone ? $"{Vllm.Name}-{zone}" : Vllm.Name;

    /// <summary>Gets the name of the disk (and its PV, PVC and Job) the bake writes and the weights image is made from.</summary>
    public string BakeName => $"{Weights.Name}-{WeightsVersion}-bake";

    /// <summary>Gets the name of the bake Job's service account; it keeps its Cloud Storage grant across versions.</summary>
    public string BakeServiceAccountName => $"{Weights.Name}-bake";

    /// <summary>Gets the name of the baked weights image.</summary>
    public string WeightsImageName => $"{Weights.Name}-weights-{WeightsVersion}";

    /// <summary>Gets where the weights are mounted in the vLLM container.</summary>
    public string ModelPath => $"/models/{Weights.Name}";

    /// <summary>Gets the size of the disk the bake Job writes: room for the weights, at most the serving disk's size.</summary>
    public int BakeDiskSizeGb => WeightsSizeGiB is { } gib ? Math.Min(Disk.SizeGb, (int)Math.Ceiling(gib * 1.25) + 10) : Disk.SizeGb;
}
