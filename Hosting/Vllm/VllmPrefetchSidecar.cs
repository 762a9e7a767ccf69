using System.Globalization;
using k8s.Models;

namespace VllmAspire.Hosting;

/// <summary>
/// The Provisioner's <c>prefetch</c> as a Kubernetes native sidecar of the vLLM pod: an init container with
/// <c>restartPolicy: Always</c> that reads the weights mount into the page cache while vLLM starts (DESIGN §8).
/// It has no startup probe, so kubelet starts vLLM as soon as the sidecar has started and the two overlap.
/// </summary>
public static class VllmPrefetchSidecar
{
    /// <summary>The container's name.</summary>
    public const string ContainerName = "prefetch-weights";

    /// <summary>Builds the sidecar container for <c>V1PodSpec.InitContainers</c>.</summary>
    /// <param name="image">An image whose entry point is the Provisioner (<c>dotnet VllmAspire.Provisioner.dll</c>).</param>
    /// <param name="weightsVolume">The pod's weights volume.</param>
    /// <param name="mountPath">Where vLLM mounts it (the sidecar reads the same path).</param>
    /// <param name="modelBytes">The weights' size.</param>
    /// <param name="concurrency">Reads in flight.</param>
    /// <returns>The container.</returns>
    public static V1Container Build(string image, string weightsVolume, string mountPath, long modelBytes, int concurrency = VllmLoaderSettings.DefaultConcurrency)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
        ArgumentException.ThrowIfNullOrWhiteSpace(weightsVolume);
        ArgumentException.ThrowIfNullOrWhiteSpace(mountPath);
        ArgumentOutOfRangeException.ThrowIfNegative(modelBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        return new V1Container
        {
            Name = ContainerName,
            Image = image,
            // --keep-running: kubelet restarts a sidecar whenever it exits, even with 0.
            Args = ["prefetch", mountPath, "--keep-running", "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture), "--block-size", "16M"],
            RestartPolicy = "Always",
            // The root file system is read-only: .NET's diagnostic IPC would otherwise create its socket under /tmp.
            Env = [new V1EnvVar { Name = "DOTNET_EnableDiagnostics", Value = "0" }],
            VolumeMounts = [new V1VolumeMount { Name = weightsVolume, MountPath = mountPath, ReadOnlyProperty = true }],
            Resources = new V1ResourceRequirements
            {
                Requests = new Dictionary<string, ResourceQuantity>
                {
                    ["cpu"] = new("250m"),
                    ["memory"] = Quantity(VllmLoaderSettings.PrefetchSidecarBytes),
                },
                // The page cache this container reads is charged to its cgroup (storage.md §6): a limit below the model
                // would make the kernel reclaim prefetched pages before vLLM reads them.
                Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = Quantity(modelBytes + VllmLoaderSettings.PrefetchSidecarBytes) },
            },
            SecurityContext = new V1SecurityContext { ReadOnlyRootFilesystem = true, AllowPrivilegeEscalation = false },
        };
    }

    /// <summary>A memory quantity in whole MiB, rounded up.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The quantity.</returns>
    public static ResourceQuantity Quantity(long bytes) =>
        new(((bytes + (1L << 20) - 1) >> 20).ToString(CultureInfo.InvariantCulture) + "Mi");
}
