using System.Globalization;

namespace VllmAspire.VllmCatalog;

// The writing half of the grammar: each milestone's message as a given release prints it, with the source location
// and the process that prints it. Numbers use Python's %-formatting of the original (invariant culture).
public static partial class VllmStartupLog
{
    /// <summary><c>vLLM API server version X</c> (API server, after the imports).</summary>
    /// <param name="version">The release.</param>
    /// <returns>The message.</returns>
    public static VllmLogMessage ServerVersion(VllmVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return new(VllmProcessRole.ApiServer, version.IsV1 ? "api_server.py:1805" : "api_server.py:219", $"vLLM API server version {version.Text}");
    }

    /// <summary>The loader's <c>Loading weights took N seconds</c> (V1; V0 prints no load time).</summary>
    /// <param name="seconds">The time the loader took.</param>
    /// <returns>The message.</returns>
    public static VllmLogMessage WeightsLoaded(double seconds) =>
        new(VllmProcessRole.EngineCore, "default_loader.py:262", $"Loading weights took {F(seconds, 2)} seconds");

    /// <summary>
    /// The runner's line after loading: V0 <c>Loading model weights took N GB</c>; V1 <c>Model loading took N GiB and N seconds</c>;
    /// from 0.11.1 <c>Model loading took N GiB memory and N seconds</c> (the 0.11.0 and 0.11.2 transcripts differ).
    /// </summary>
    /// <param name="version">The release.</param>
    /// <param name="gib">The weights' size in GiB.</param>
    /// <param name="seconds">The model loading time (loader and model set-up).</param>
    /// <returns>The message.</returns>
    public static VllmLogMessage ModelLoaded(VllmVersion version, double gib, double seconds)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (!version.IsV1)
        {
            return new(VllmProcessRole.EngineCore, "model_runner.py:160", $"Loading model weights took {F(gib, 4)} GB");
        }

        var memory = version.AtLeast(0, 11, 1) ? " memory" : "";
        return new(VllmProcessRole.EngineCore, "gpu_model_runner.py:1892", $"Model loading took {F(gib, 4)} GiB{memory} and {F(seconds, 6)} seconds");
    }

    /// <summary><c>Using cache directory: DIR for vLLM's torch.compile</c>.</summary>
    /// <param name="directory">The rank's cache folder (<c>.../torch_compile_cache/HASH/rank_0_0/backbone</c>).</param>
    /// <returns>The message.</returns>
    public static VllmLogMessage CompileCacheDirectory(string directory) =>
        new(VllmProcessRole.EngineCore, "backends.py:648", $"Using cache directory: {directory} for vLLM's torch.compile");

    /// <summary><c>vLLM's torch.compile cache is disabled.</c> (<c>VLLM_DISABLE_COMPILE_CACHE=1</c>).</summary>
    /// <returns>The message.</returns>
    public static VllmLogMessage CompileCacheDisabled() => new(VllmProcessRole.EngineCore, "backends.py:646", CacheDisabledText);

    /// <summary><c>Dynamo bytecode transform time: N s</c>.</summary>
    /// <param name="seconds">The time.</param>
    /// <returns>The message.</returns>
    public static VllmLogMessage DynamoTransform(double seconds) =>
        new(VllmProcessRole.EngineCore, "backends.py:708", $"Dynamo bytecode transform time: {F(seconds, 2)} s");

    /// <summary><c>Directly load the compiled graph(s) for dynamic shape from the cache, took N s</c>: a cache hit.</summary>
    /// <param name="seconds">The time from the start of loading.</param>
    /// <returns>The message.</returns>
    public static VllmLogMessage CompileCacheHit(double seconds) =>
        new(VllmProcessRole.EngineCore, "backends.py:161", $"Directly load the compiled graph(s) for dynamic shape from the cache, took {F(seconds, 3)} s");

    /// <summary><c>Cache the graph for dynamic shape for later use</c> (0.9: <c>of shape None</c>).</summary>
    /// <param name="version">The release.</param>
    /// <returns>The message.</returns>
    public static VllmLogMessage CompileCacheStored(VllmVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return new(VllmProcessRole.EngineCore, "backends.py:255", version.AtLeast(0, 10)
            ? "Cache the graph for dynamic shape for later use"
            : "Cache the graph of shape None for later use");
    }

    /// <summary><c>Compiling a graph for dynamic shape takes N s</c> (0.9: <c>general shape</c>): a cache miss.</summary>
    /// <param name="version">The release.</param>
    /// <param name="seconds">The time.</param>
    /// <returns>The message.</returns>
    public static VllmLogMessage GraphCompiled(VllmVersion version, double seconds)
    {
        ArgumentNullException.ThrowIfNull(version);
        var shape = version.AtLeast(0, 10) ? "dynamic shape" : "general shape";
        return new(VllmProcessRole.EngineCore, "backends.py:286", $"Compiling a graph for {shape} takes {F(seconds, 2)} s");
    }

    /// <summary><c>torch.compile takes N s in total</c>.</summary>
    /// <param name="seconds">Dynamo plus compile or cache load.</param>
    /// <returns>The message.</returns>
    public static VllmLogMessage CompileFinished(double seconds) =>
        new(VllmProcessRole.EngineCore, "monitor.py:34", $"torch.compile takes {F(seconds, 2)} s in total");

    /// <summary>CUDA graph capture done: V0 (&lt; 0.8) <c>Graph capturing finished in N secs.</c>, V1 <c>Graph capturing finished in N secs, took N GiB</c>.</summary>
    /// <param name="version">The release.</param>
    /// <param name="seconds">The capture time (printed to the second, as <c>%.0f</c>).</param>
    /// <param name="gib">The graphs' memory.</param>
    /// <returns>The message.</returns>
    public static VllmLogMessage GraphCaptureFinished(VllmVersion version, double seconds, double gib)
    {
        ArgumentNullException.ThrowIfNull(version);
        return version.IsV1
            ? new(VllmProcessRole.EngineCore, "gpu_model_runner.py:2567", $"Graph capturing finished in {F(seconds, 0)} secs, took {F(gib, 2)} GiB")
            : new(VllmProcessRole.EngineCore, "model_runner.py:1125", $"Graph capturing finished in {F(seconds, 0)} secs.");
    }

    /// <summary>
    /// <c>init engine (profile, create kv cache, warmup model) took N seconds</c>; from 0.19 <c>took N s (compilation: N s)</c>
    /// when something was compiled (2026 transcripts; the first release is not verified).
    /// </summary>
    /// <param name="version">The release.</param>
    /// <param name="seconds">From the engine core's start to ready.</param>
    /// <param name="compilationSeconds">The torch.compile part.</param>
    /// <returns>The message.</returns>
    public static VllmLogMessage EngineInitialized(VllmVersion version, double seconds, double compilationSeconds)
    {
        ArgumentNullException.ThrowIfNull(version);
        const string Prefix = "init engine (profile, create kv cache, warmup model) took ";
        var text = !version.AtLeast(0, 19) ? $"{Prefix}{F(seconds, 2)} seconds"
            : compilationSeconds > 0 ? $"{Prefix}{F(seconds, 2)} s (compilation: {F(compilationSeconds, 2)} s)"
            : $"{Prefix}{F(seconds, 2)} s";
        return new(VllmProcessRole.EngineCore, "core.py:193", text);
    }

    /// <summary><c>Starting vLLM API server on URL</c>; from 0.10.1 <c>Starting vLLM API server 0 on URL</c> (the server's index).</summary>
    /// <param name="version">The release.</param>
    /// <param name="url">The address served.</param>
    /// <returns>The message.</returns>
    public static VllmLogMessage ApiServerStarting(VllmVersion version, string url)
    {
        ArgumentNullException.ThrowIfNull(version);
        return !version.IsV1 ? new(VllmProcessRole.ApiServer, "api_server.py:292", $"Starting vLLM API server on {url}")
            : version.AtLeast(0, 10, 1) ? new(VllmProcessRole.ApiServer, "api_server.py:1857", $"Starting vLLM API server 0 on {url}")
            : new(VllmProcessRole.ApiServer, "api_server.py:1857", $"Starting vLLM API server on {url}");
    }

    /// <summary>Uvicorn's <c>Application startup complete.</c>.</summary>
    /// <returns>The message (no vLLM source: uvicorn's own format).</returns>
    public static VllmLogMessage ApplicationStartupComplete() => new(VllmProcessRole.ApiServer, null, StartupCompleteText);

    private static string F(double value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
