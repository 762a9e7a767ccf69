using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using VllmAspire.VllmCatalog;
using VllmAspire.VllmSimulator.Telemetry;
using VllmAspire.VllmSimulator.Weights;

namespace VllmAspire.VllmSimulator.Startup;

/// <summary>
/// Plays a vLLM start, phase by phase, writing the imitated release's lines through <see cref="VllmStartupLog"/> and a
/// span per phase: imports (from the process's start), engine set-up, the real weight load, torch.compile (short on a
/// compile-cache hit; long, and writing the entry, on a miss), CUDA graph capture, then the API server. V0 releases have
/// no torch.compile; <c>--enforce-eager</c> and the old <c>--engine-start-seconds</c> model have neither compile nor graphs.
/// </summary>
/// <param name="options">The simulator options.</param>
/// <param name="log">vLLM's log.</param>
/// <param name="trace">The start's trace.</param>
internal sealed class StartupPlayer(SimulatorOptions options, VllmLog log, StartupTrace trace)
{
    /// <summary>The share of a compile that is Dynamo's bytecode transform (6.07 of 19.69 s in vllm PR #29335's transcript).</summary>
    private const double DynamoShare = 0.3;

    private readonly StartupPhaseOptions _phases = options.Startup;
    private readonly VllmVersion _version = options.Version;

    /// <summary>Plays the start and starts <paramref name="app"/>'s server at its end.</summary>
    /// <param name="processStart">When the process started.</param>
    /// <param name="app">The built, not yet started, web application.</param>
    /// <param name="ct">Stops the start.</param>
    /// <returns>Whether the server is up; false when the weights could not be loaded (logged).</returns>
    public async Task<bool> PlayAsync(DateTimeOffset processStart, WebApplication app, CancellationToken ct)
    {
        var v1 = _version.IsV1;
        var eager = options.EnforceEager || _phases.EngineStartOnly;

        // Imports: the process has been running since its start; vLLM's first line comes when they are done.
        var imports = trace.Begin(VllmStartupPhase.Imports, processStart);
        var importsDone = processStart + _phases.Scaled(_phases.ImportsSeconds);
        await LastAsync(importsDone - DateTimeOffset.UtcNow, ct).ConfigureAwait(false);

        imports.End();
        log.Info(VllmStartupLog.ServerVersion(_version));
        log.Info(v1 ? "utils.py:326" : "api_server.py:220",
            $"args: model='{options.Model}', served_model_name='{options.ServedModelName}', host='{options.Host}', port={options.Port}, max_num_seqs={options.MaxNumSeqs}, max_model_len={options.MaxModelLen}");

        var engine = trace.Begin(VllmStartupPhase.Engine);
        log.Info(v1 ? "core.py:75" : "llm_engine.py:174",
            $"Initializing {(v1 ? "a V1 LLM engine" : "an LLM engine")} (v{_version.Text}) with config: model='{options.Model}', dtype={options.Dtype}, max_seq_len={options.MaxModelLen}, tensor_parallel_size={options.TensorParallelSize}, enforce_eager={(options.EnforceEager ? "True" : "False")}",
            VllmProcessRole.EngineCore);
        await LastAsync(_phases.Scaled(_phases.EngineSeconds), ct).ConfigureAwait(false);
        engine.End();

        if (!await LoadWeightsAsync(ct).ConfigureAwait(false))
        {
            return false;
        }

        // vLLM's "init engine" is timed from here: profiling, KV cache, compile and graphs.
        var init = Stopwatch.StartNew();
        var compileSeconds = v1 && !eager ? await CompileAsync(ct).ConfigureAwait(false) : 0;
        LogKvCache(v1);
        if (!eager)
        {
            await CaptureGraphsAsync(v1, ct).ConfigureAwait(false);
        }

        if (v1)
        {
            log.Info(VllmStartupLog.EngineInitialized(_version, init.Elapsed.TotalSeconds, compileSeconds));
        }

        var ready = trace.Begin(VllmStartupPhase.Ready);
        await app.StartAsync(ct).ConfigureAwait(false);
        // The server answers from here, so the start's trace ends here, before the lines that announce it: whoever
        // acts on "Application startup complete." finds the trace already ended.
        ready.End();
        trace.Ready();
        var address = SimulatorHost.ListenAddress(app, options);
        log.Info(VllmStartupLog.ApiServerStarting(_version, address));
        log.Uvicorn($"Started server process [{Environment.ProcessId}]");
        log.Uvicorn("Waiting for application startup.");
        log.Info(VllmStartupLog.ApplicationStartupComplete());
        log.Uvicorn($"Uvicorn running on {address} (Press CTRL+C to quit)");
        return true;
    }

    private async Task<bool> LoadWeightsAsync(CancellationToken ct)
    {
        var source = _version.IsV1 ? "core.py:700" : "engine.py:300";
        var load = trace.Begin(VllmStartupPhase.WeightLoad);
        WeightLoadResult weights;
        try
        {
            weights = await SafetensorsLoader.LoadAsync(options.Model, options.LoadThreads, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WeightLoadException or IOException or UnauthorizedAccessException)
        {
            var message = ex switch
            {
                WeightLoadException => "Failed to load the model weights: " + ex.Message,
                IOException => $"Failed to read the model weights in '{options.Model}': {ex.Message}",
                _ => $"Cannot read the model weights in '{options.Model}': {ex.Message}",
            };
            log.Error(source, message);
            load.Activity?.SetStatus(ActivityStatusCode.Error, message);
            load.End();
            trace.Failed(message);
            return false;
        }

        var gib = weights.TensorBytes / (double)(1L << 30);
        if (_version.IsV1)
        {
            log.Info(VllmStartupLog.WeightsLoaded(weights.Elapsed.TotalSeconds));
        }

        load.Activity?.SetTag(VllmStartupTelemetry.WeightsGibAttribute, gib);
        load.Activity?.SetTag(VllmStartupTelemetry.WeightsLoaderAttribute, options.LoadThreads > 1
            ? $"safetensors multithread ({options.LoadThreads.ToString(CultureInfo.InvariantCulture)} threads)"
            : "safetensors");
        log.Info(VllmStartupLog.ModelLoaded(_version, gib, load.End().TotalSeconds));
        return true;
    }

    /// <summary>torch.compile: the cache decides hit or miss; a miss writes the entry. Returns the compile's seconds.</summary>
    private async Task<double> CompileAsync(CancellationToken ct)
    {
        var cache = CompileCache.For(options);
        var compile = trace.Begin(VllmStartupPhase.Compile);
        var hit = cache.IsHit();
        var total = _phases.Scaled(hit ? _phases.CompileCacheHitSeconds : _phases.CompileSeconds);
        log.Info(cache.Directory is { } dir ? VllmStartupLog.CompileCacheDirectory(dir) : VllmStartupLog.CompileCacheDisabled());

        await LastAsync(total * DynamoShare, ct).ConfigureAwait(false);
        log.Info(VllmStartupLog.DynamoTransform(compile.Elapsed.TotalSeconds));
        var graphs = Stopwatch.StartNew();
        if (hit)
        {
            await LastAsync(total * (1 - DynamoShare), ct).ConfigureAwait(false);
            log.Info(VllmStartupLog.CompileCacheHit(graphs.Elapsed.TotalSeconds));
        }
        else
        {
            if (cache.Directory is not null)
            {
                log.Info(VllmStartupLog.CompileCacheStored(_version));
            }

            await LastAsync(total * (1 - DynamoShare), ct).ConfigureAwait(false);
            cache.Store();
            log.Info(VllmStartupLog.GraphCompiled(_version, graphs.Elapsed.TotalSeconds));
        }

        compile.Activity?.SetTag(VllmStartupTelemetry.CompileCacheHitAttribute, hit);
        if (cache.Directory is { } used)
        {
            compile.Activity?.SetTag(VllmStartupTelemetry.CompileCacheDirectoryAttribute, used);
        }

        var seconds = compile.End().TotalSeconds;
        log.Info(VllmStartupLog.CompileFinished(seconds));
        return seconds;
    }

    private void LogKvCache(bool v1)
    {
        var tokens = options.KvCacheTokens.ToString("N0", CultureInfo.InvariantCulture);
        if (v1)
        {
            log.Info("kv_cache_utils.py:833", $"GPU KV cache size: {tokens} tokens", VllmProcessRole.EngineCore);
            log.Info("kv_cache_utils.py:837", $"Maximum concurrency for {options.MaxModelLen.ToString("N0", CultureInfo.InvariantCulture)} tokens per request: {VllmLog.Fmt("F2", (double)options.KvCacheTokens / options.MaxModelLen)}x", VllmProcessRole.EngineCore);
        }
        else
        {
            log.Info("gpu_executor.py:102", $"# GPU blocks: {options.KvCacheTokens / options.BlockSize}, # CPU blocks: 2048", VllmProcessRole.EngineCore);
        }
    }

    private async Task CaptureGraphsAsync(bool v1, CancellationToken ct)
    {
        var graphs = trace.Begin(VllmStartupPhase.GraphCapture);
        if (!v1)
        {
            log.Info("model_runner.py:889", "Capturing the model for CUDA graphs. This may lead to unexpected consequences if the model is not static. To run the model in eager mode, set 'enforce_eager=True' or use '--enforce-eager' in the CLI.", VllmProcessRole.EngineCore);
        }

        await LastAsync(_phases.Scaled(_phases.GraphCaptureSeconds), ct).ConfigureAwait(false);
        // No GPU, so the graphs take no memory.
        log.Info(VllmStartupLog.GraphCaptureFinished(_version, graphs.End().TotalSeconds, 0));
    }

    /// <summary>Waits at least <paramref name="duration"/>: a phase lasts no less than it is given.</summary>
    /// <remarks>Task.Delay's timers run on a coarse clock and may end a few milliseconds early.</remarks>
    private static async Task LastAsync(TimeSpan duration, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (duration - clock.Elapsed is { Ticks: > 0 } left)
        {
            await Task.Delay(left + TimeSpan.FromMilliseconds(1), ct).ConfigureAwait(false);
        }
    }
}
