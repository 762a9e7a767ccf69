namespace VllmAspire.VllmCatalog;

/// <summary>A start-up milestone vLLM logs (see <see cref="VllmStartupLog"/> for the lines).</summary>
public enum VllmStartupMarkKind
{
    /// <summary><c>vLLM API server version X</c>: the API server's first line, after Python and CUDA imports.</summary>
    ServerVersion,

    /// <summary>The loader's <c>Loading weights took N seconds</c> (V1 loaders).</summary>
    WeightsLoaded,

    /// <summary>The runner's <c>Model loading took N GiB [memory] and N seconds</c>, or V0's <c>Loading model weights took N GB</c> (no time).</summary>
    ModelLoaded,

    /// <summary><c>Using cache directory: DIR for vLLM's torch.compile</c>: compilation starts with this cache folder.</summary>
    CompileCacheDirectory,

    /// <summary><c>vLLM's torch.compile cache is disabled.</c></summary>
    CompileCacheDisabled,

    /// <summary><c>Dynamo bytecode transform time: N s</c>.</summary>
    DynamoTransform,

    /// <summary><c>Directly load the compiled graph(s) for SHAPE from the cache, took N s</c>: a compile-cache hit.</summary>
    CompileCacheHit,

    /// <summary><c>Cache the graph [of shape|for] SHAPE for later use</c>: a miss whose result is being stored.</summary>
    CompileCacheStored,

    /// <summary><c>Compiling a graph for SHAPE takes N s</c>: a miss, compiled now.</summary>
    GraphCompiled,

    /// <summary><c>torch.compile takes N s in total</c> (newest: <c>took</c>).</summary>
    CompileFinished,

    /// <summary><c>Graph capturing finished in N secs[, took N GiB]</c>: CUDA graph capture.</summary>
    GraphCaptureFinished,

    /// <summary><c>init engine (profile, create kv cache, warmup model) took N seconds</c> (newest: <c>N s (compilation: N s)</c>).</summary>
    EngineInitialized,

    /// <summary><c>Starting vLLM API server [N ]on URL</c>.</summary>
    ApiServerStarting,

    /// <summary>Uvicorn's <c>Application startup complete.</c>: the server answers HTTP from here on.</summary>
    ApplicationStartupComplete,
}

/// <summary>One start-up milestone read from a vLLM log line.</summary>
/// <param name="Kind">Which milestone.</param>
/// <param name="Seconds">The duration the line reports, if any.</param>
/// <param name="Gib">The memory the line reports in GiB (V0's "GB" is bytes / 2^30 too), if any.</param>
/// <param name="Text">The version, URL or cache folder the line names, if any.</param>
/// <param name="CompilationSeconds">The compilation part of engine init, on releases that print it.</param>
public sealed record VllmStartupMark(VllmStartupMarkKind Kind, double? Seconds = null, double? Gib = null, string? Text = null, double? CompilationSeconds = null);
