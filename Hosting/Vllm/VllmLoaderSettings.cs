using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting;
using VllmAspire.VllmCatalog;

namespace VllmAspire.Hosting;

/// <summary>
/// The vLLM flags and environment for a <see cref="VllmLoadStrategy"/> on a given vLLM version, and the pod-memory
/// rule for it. The version table is <see cref="VllmLoaders"/> (reference/storage.md §5.1); the memory rule is §6 (page cache read by a
/// sidecar is charged to the pod's cgroup and must not be reclaimed before vLLM reads it).
/// </summary>
/// <param name="Strategy">The strategy.</param>
/// <param name="Args">Arguments to add to <c>vllm serve</c>.</param>
/// <param name="Environment">Environment variables for the vLLM container.</param>
/// <param name="PrefetchSidecar">Whether the pod gets the prefetch native sidecar.</param>
public sealed record VllmLoaderSettings(VllmLoadStrategy Strategy, IReadOnlyList<string> Args, IReadOnlyDictionary<string, string> Environment, bool PrefetchSidecar)
{
    /// <summary>Reader threads for the parallel loaders (Run:ai's file-system default; enough for a 1,200 MiB/s disk).</summary>
    public const int DefaultConcurrency = 16;

    /// <summary>Run:ai Model Streamer's buffer cap we set (its own default is 40 GB, which no pod limit here would hold).</summary>
    public const long RunAiStreamerMemoryLimitBytes = 2L << 30;

    /// <summary>The prefetch sidecar's own memory: <see cref="DefaultConcurrency"/> buffers of 16 MiB plus the .NET runtime.</summary>
    public const long PrefetchSidecarBytes = (DefaultConcurrency * 16L << 20) + (128L << 20);

    /// <summary>Gets the settings for <paramref name="strategy"/> on vLLM <paramref name="vllmVersion"/>.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="vllmVersion">The vLLM version or image tag (<c>0.10.1</c>, <c>v0.21.0-cu129</c>).</param>
    /// <param name="concurrency">Reader threads for parallel loaders.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="DistributedApplicationException">The version is not pinned or is too old for the strategy.</exception>
    public static VllmLoaderSettings For(VllmLoadStrategy strategy, string vllmVersion, int concurrency = DefaultConcurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        if (strategy == VllmLoadStrategy.PrefetchSidecar)
        {
            return new(strategy, [], Empty, PrefetchSidecar: true);
        }

        var loader = Loader(strategy);
        Require(strategy, vllmVersion, loader);
        var flags = VllmLoaders.Flags(loader, concurrency, RunAiStreamerMemoryLimitBytes);
        return new(strategy, flags.Args, flags.Environment, PrefetchSidecar: false);
    }

    /// <summary>Gets the settings the model chose for <paramref name="vllm"/> (<see cref="VllmBuilderExtensions.WithLoadStrategy"/>; the prefetch sidecar by default) on its image's version.</summary>
    /// <param name="vllm">The vLLM resource.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="DistributedApplicationException">The image's version lacks the chosen loader.</exception>
    public static VllmLoaderSettings For(VllmResource vllm)
    {
        ArgumentNullException.ThrowIfNull(vllm);
        var choice = vllm.TryGetLastAnnotation<VllmLoadStrategyAnnotation>(out var a) ? a : new VllmLoadStrategyAnnotation(VllmLoadStrategy.PrefetchSidecar);
        try
        {
            return For(choice.Strategy, vllm.Version, choice.Concurrency);
        }
        catch (DistributedApplicationException ex)
        {
            throw new DistributedApplicationException($"vLLM resource '{vllm.Name}': {ex.Message}");
        }
    }

    /// <summary>The strategies a vLLM version supports, best first for start-up on a persistent disk.</summary>
    /// <param name="vllmVersion">The vLLM version or image tag.</param>
    /// <returns>The strategies.</returns>
    public static IReadOnlyList<VllmLoadStrategy> Supported(string vllmVersion)
    {
        VllmVersion? version = VllmVersion.TryParse(vllmVersion, out var v) ? v : null;
        VllmLoadStrategy[] byPreference = [VllmLoadStrategy.PrefetchSidecar, VllmLoadStrategy.VllmPrefetch, VllmLoadStrategy.RunAiStreamer, VllmLoadStrategy.MultithreadLoad, VllmLoadStrategy.Default];
        // An unpinned tag gets only the strategies every release has.
        return [.. byPreference.Where(s => s == VllmLoadStrategy.PrefetchSidecar || (version is null ? VllmLoaders.Since(Loader(s)) is null : VllmLoaders.IsSupported(Loader(s), version)))];
    }

    /// <summary>Gets the vLLM loader a strategy runs (the prefetch sidecar runs beside the default loader).</summary>
    /// <param name="strategy">The strategy.</param>
    /// <returns>The loader.</returns>
    public static VllmLoader Loader(VllmLoadStrategy strategy) => strategy switch
    {
        VllmLoadStrategy.PrefetchSidecar or VllmLoadStrategy.Default => VllmLoader.Default,
        VllmLoadStrategy.RunAiStreamer => VllmLoader.RunAiStreamer,
        VllmLoadStrategy.VllmPrefetch => VllmLoader.SafetensorsPrefetch,
        VllmLoadStrategy.MultithreadLoad => VllmLoader.MultithreadLoad,
        _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, null),
    };

    /// <summary>
    /// The pod memory the strategy needs. With the prefetch sidecar (or vLLM's own prefetch) the whole model sits in
    /// page cache charged to the pod until vLLM has read it, so the limit must hold the model plus vLLM's host memory
    /// plus the prefetcher; otherwise the kernel reclaims the prefetched pages and the prefetch is wasted (§6).
    /// </summary>
    /// <param name="modelBytes">The weights' size.</param>
    /// <param name="vllmHostBytes">vLLM's own host memory (RSS, not GPU memory).</param>
    /// <returns>The bytes the pod's memory limit must hold.</returns>
    public long RequiredPodMemoryBytes(long modelBytes, long vllmHostBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(modelBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(vllmHostBytes);
        return Strategy switch
        {
            VllmLoadStrategy.PrefetchSidecar => modelBytes + vllmHostBytes + PrefetchSidecarBytes,
            VllmLoadStrategy.VllmPrefetch => modelBytes + vllmHostBytes,
            VllmLoadStrategy.RunAiStreamer => vllmHostBytes + RunAiStreamerMemoryLimitBytes,
            // mmap'ed pages are clean and reclaimable: only vLLM's own memory must fit.
            _ => vllmHostBytes,
        };
    }

    /// <summary>Refuses a pod memory limit that cannot hold what <see cref="RequiredPodMemoryBytes"/> says.</summary>
    /// <param name="resourceName">The vLLM resource, for the message.</param>
    /// <param name="modelBytes">The weights' size.</param>
    /// <param name="vllmHostBytes">vLLM's own host memory.</param>
    /// <param name="podMemoryLimitBytes">The pod's memory limit (sum of its containers' limits), or the node's allocatable memory when there is no limit.</param>
    /// <exception cref="DistributedApplicationException">The limit is too small; the message has the numbers and the fixes.</exception>
    public void EnsureFits(string resourceName, long modelBytes, long vllmHostBytes, long podMemoryLimitBytes)
    {
        var required = RequiredPodMemoryBytes(modelBytes, vllmHostBytes);
        if (podMemoryLimitBytes >= required)
        {
            return;
        }

        var parts = Strategy switch
        {
            VllmLoadStrategy.PrefetchSidecar => $"model {Gib(modelBytes)} + vLLM host memory {Gib(vllmHostBytes)} + prefetch sidecar {Gib(PrefetchSidecarBytes)}",
            VllmLoadStrategy.VllmPrefetch => $"model {Gib(modelBytes)} + vLLM host memory {Gib(vllmHostBytes)}",
            VllmLoadStrategy.RunAiStreamer => $"vLLM host memory {Gib(vllmHostBytes)} + Run:ai streamer buffer {Gib(RunAiStreamerMemoryLimitBytes)}",
            _ => $"vLLM host memory {Gib(vllmHostBytes)}",
        };
        throw new DistributedApplicationException(
            $"vLLM resource '{resourceName}': the pod memory limit {Gib(podMemoryLimitBytes)} cannot hold {Strategy} loading: it needs {Gib(required)} ({parts}). " +
            "Pages read ahead are charged to the pod and reclaimed before vLLM reads them when they do not fit. " +
            "Raise the memory limit or use a machine type with more memory, or choose VllmLoadStrategy.Default or RunAiStreamer.");
    }

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    private static void Require(VllmLoadStrategy strategy, string vllmVersion, VllmLoader loader)
    {
        if (VllmLoaders.Since(loader) is not { } since)
        {
            return;
        }

        if (!VllmVersion.TryParse(vllmVersion, out var version))
        {
            throw new DistributedApplicationException(
                $"vLLM version '{vllmVersion}' is not a pinned release, so whether it has the {strategy} loader (vLLM {since}+) cannot be known. Pin the image tag, e.g. vllm/vllm-openai:v{since}, or use VllmLoadStrategy.PrefetchSidecar, which works with every version.");
        }

        if (!VllmLoaders.IsSupported(loader, version))
        {
            throw new DistributedApplicationException(
                $"vLLM {version} has no {strategy} loader: it needs vLLM {since} or later. Use a newer image, or VllmLoadStrategy.PrefetchSidecar, which works with every version. Loaders {version} supports: {string.Join(", ", Supported(vllmVersion))}.");
        }
    }

    private static string Gib(long bytes) => (bytes / (double)(1L << 30)).ToString("F1", CultureInfo.InvariantCulture) + " GiB";
}
