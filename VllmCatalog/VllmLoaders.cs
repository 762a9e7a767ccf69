using System.Globalization;

namespace VllmAspire.VllmCatalog;

/// <summary>
/// The version table of vLLM's loaders (reference/storage.md §5.1): the first release with each one and the flags
/// that select it. Publishing adds these flags to the vLLM container; the simulator accepts exactly these flags
/// from the releases that have them.
/// </summary>
public static class VllmLoaders
{
    /// <summary>First release with <c>--load-format runai_streamer</c> (Dec 2024).</summary>
    public static readonly VllmVersion RunAiStreamerSince = new(0, 6, 6, "0.6.6");

    /// <summary>First release with <c>--safetensors-load-strategy</c> (lazy, eager) and <c>enable_multithread_load</c> (Sept 2025).</summary>
    public static readonly VllmVersion SafetensorsLoadStrategySince = new(0, 10, 2, "0.10.2");

    /// <summary>
    /// First release we know has <c>--safetensors-load-strategy prefetch</c>: PR #36012 merged in March 2026 and is in
    /// 0.26.0; the first release that shipped it is not verified, so older ones are treated as lacking it.
    /// </summary>
    public static readonly VllmVersion SafetensorsPrefetchSince = new(0, 26, 0, "0.26.0");

    /// <summary>Gets the first release that has <paramref name="loader"/>, or <see langword="null"/> when every release has it.</summary>
    /// <param name="loader">The loader.</param>
    /// <returns>The release.</returns>
    public static VllmVersion? Since(VllmLoader loader) => loader switch
    {
        VllmLoader.Default => null,
        VllmLoader.RunAiStreamer => RunAiStreamerSince,
        VllmLoader.MultithreadLoad => SafetensorsLoadStrategySince,
        VllmLoader.SafetensorsPrefetch => SafetensorsPrefetchSince,
        _ => throw new ArgumentOutOfRangeException(nameof(loader), loader, null),
    };

    /// <summary>Whether <paramref name="version"/> has <paramref name="loader"/>.</summary>
    /// <param name="loader">The loader.</param>
    /// <param name="version">The release.</param>
    /// <returns>Whether it is supported.</returns>
    public static bool IsSupported(VllmLoader loader, VllmVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return Since(loader) is not { } since || version >= since;
    }

    /// <summary>Gets the flags that select <paramref name="loader"/>.</summary>
    /// <param name="loader">The loader.</param>
    /// <param name="concurrency">Reader threads for the parallel loaders.</param>
    /// <param name="runAiMemoryLimitBytes">Run:ai Model Streamer's buffer cap (its own default, 40 GB, rarely fits a pod).</param>
    /// <returns>The flags.</returns>
    public static VllmLoaderFlags Flags(VllmLoader loader, int concurrency, long runAiMemoryLimitBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        var n = concurrency.ToString(CultureInfo.InvariantCulture);
        return loader switch
        {
            VllmLoader.Default => new([], Empty),
            // The environment works on every release with the streamer; the extra-config key came later.
            VllmLoader.RunAiStreamer => new(["--load-format", "runai_streamer"], new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["RUNAI_STREAMER_CONCURRENCY"] = n,
                ["RUNAI_STREAMER_MEMORY_LIMIT"] = runAiMemoryLimitBytes.ToString(CultureInfo.InvariantCulture),
            }),
            VllmLoader.MultithreadLoad => new(["--model-loader-extra-config", $$"""{"enable_multithread_load":true,"num_threads":{{n}}}"""], Empty),
            VllmLoader.SafetensorsPrefetch => new(["--safetensors-load-strategy", "prefetch"], Empty),
            _ => throw new ArgumentOutOfRangeException(nameof(loader), loader, null),
        };
    }

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>(StringComparer.Ordinal);
}
