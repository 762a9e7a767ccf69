using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VllmAspire.VllmSimulator.Api;
using VllmAspire.VllmSimulator.Engine;
using VllmAspire.VllmSimulator.Weights;

namespace VllmAspire.VllmSimulator;

/// <summary>
/// Runs the simulator through vLLM's start-up sequence: version line, engine start-up delay, real weight
/// loading with vLLM's log lines, and only then the HTTP server (vLLM does not answer HTTP while loading).
/// </summary>
public static class SimulatorHost
{
    /// <summary>Runs until shut down.</summary>
    /// <param name="options">The options.</param>
    /// <param name="stdout">Where log lines go.</param>
    /// <param name="stderr">Where errors go.</param>
    /// <param name="ct">Stops start-up.</param>
    /// <returns>The process exit code: 0 after a clean shutdown, 1 when the weights cannot be loaded.</returns>
    public static async Task<int> RunAsync(SimulatorOptions options, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var v1 = options.Version.IsV1;
        var log = new VllmLog(options.Version, stdout, stderr);
        log.Info(v1 ? "api_server.py:1805" : "api_server.py:219", $"vLLM API server version {options.Version.Text}");
        log.Info(v1 ? "utils.py:326" : "api_server.py:220",
            $"args: model='{options.Model}', served_model_name='{options.ServedModelName}', host='{options.Host}', port={options.Port}, max_num_seqs={options.MaxNumSeqs}, max_model_len={options.MaxModelLen}");

        // As the pod's native sidecar, the prefetcher starts with the container, before the engine: its reads overlap the start.
        PrefetchSidecarProcess? sidecar = null;
        if (options.Prefetcher is { } prefetcher)
        {
            try
            {
                sidecar = PrefetchSidecarProcess.Start(prefetcher, options.Model, options.PrefetchConcurrency, log);
            }
            catch (WeightLoadException ex)
            {
                log.Error(v1 ? "core.py:700" : "engine.py:300", ex.Message);
                return 1;
            }
        }

        try
        {
            return await RunEngineAsync(options, log, ct).ConfigureAwait(false);
        }
        finally
        {
            if (sidecar is not null)
            {
                await sidecar.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<int> RunEngineAsync(SimulatorOptions options, VllmLog log, CancellationToken ct)
    {
        var v1 = options.Version.IsV1;
        var startup = Stopwatch.StartNew();
        if (options.EngineStartSeconds > 0)
        {
            // Imports, CUDA context, NCCL and engine-core process start in real vLLM.
            await Task.Delay(TimeSpan.FromSeconds(options.EngineStartSeconds), ct).ConfigureAwait(false);
        }

        WeightLoadResult weights;
        try
        {
            var modelLoad = Stopwatch.StartNew();
            weights = await SafetensorsLoader.LoadAsync(options.Model, options.LoadThreads, ct).ConfigureAwait(false);
            var gib = weights.TensorBytes / (double)(1L << 30);
            if (v1)
            {
                log.Info("default_loader.py:262", $"Loading weights took {VllmLog.Fmt("F2", weights.Elapsed.TotalSeconds)} seconds");
                log.Info("gpu_model_runner.py:1892", $"Model loading took {VllmLog.Fmt("F4", gib)} GiB and {VllmLog.Fmt("F6", modelLoad.Elapsed.TotalSeconds)} seconds");
                log.Info("kv_cache_utils.py:833", $"GPU KV cache size: {options.KvCacheTokens:N0} tokens");
                log.Info("kv_cache_utils.py:837", $"Maximum concurrency for {options.MaxModelLen:N0} tokens per request: {VllmLog.Fmt("F2", (double)options.KvCacheTokens / options.MaxModelLen)}x");
                log.Info("core.py:193", $"init engine (profile, create kv cache, warmup model) took {VllmLog.Fmt("F2", startup.Elapsed.TotalSeconds)} seconds");
            }
            else
            {
                log.Info("model_runner.py:680", $"Loading model weights took {VllmLog.Fmt("F4", gib)} GB");
                log.Info("gpu_executor.py:102", $"# GPU blocks: {options.KvCacheTokens / options.BlockSize}, # CPU blocks: 2048");
            }
        }
        catch (WeightLoadException ex)
        {
            log.Error(v1 ? "core.py:700" : "engine.py:300", "Failed to load the model weights: " + ex.Message);
            return 1;
        }
        catch (IOException ex)
        {
            log.Error(v1 ? "core.py:700" : "engine.py:300", $"Failed to read the model weights in '{options.Model}': {ex.Message}");
            return 1;
        }
        catch (UnauthorizedAccessException ex)
        {
            log.Error(v1 ? "core.py:700" : "engine.py:300", $"Cannot read the model weights in '{options.Model}': {ex.Message}");
            return 1;
        }

        var app = BuildApp(options, out var engine);
        await app.StartAsync(ct).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? $"http://{options.Host}:{options.Port}";
        address = address.Replace("[::]", options.Host, StringComparison.Ordinal);
        log.Info(v1 ? "api_server.py:1857" : "api_server.py:292", $"Starting vLLM API server on {address}");
        log.Uvicorn($"Started server process [{Environment.ProcessId}]");
        log.Uvicorn("Waiting for application startup.");
        log.Uvicorn("Application startup complete.");
        log.Uvicorn($"Uvicorn running on {address} (Press CTRL+C to quit)");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(app.Lifetime.ApplicationStopping);
        var stats = options.DisableLogStats ? Task.CompletedTask : engine.LogStatsAsync(log, StatsInterval(), stop.Token);
        await app.WaitForShutdownAsync(CancellationToken.None).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await stats.ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        return 0;
    }

    private static TimeSpan StatsInterval() =>
        double.TryParse(Environment.GetEnvironmentVariable("VLLM_LOG_STATS_INTERVAL"), System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0
            ? TimeSpan.FromSeconds(s)
            : TimeSpan.FromSeconds(10);

    private static WebApplication BuildApp(SimulatorOptions options, out LlmEngine engine)
    {
        // No args: the vLLM flags are not configuration keys.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ApplicationName = "VllmAspire.VllmSimulator" });
        builder.AddServiceDefaults();
        // vLLM's flags decide where to listen, not ASPNETCORE_URLS.
        builder.WebHost.UseUrls($"http://{FormatHost(options.Host)}:{options.Port}");
        // Keep the console vLLM-shaped: ASP.NET's informational chatter would interleave with vLLM's lines.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System", LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);

        var app = builder.Build();
        engine = new LlmEngine(options, TimeProvider.System);
        // ServiceDefaults' MapDefaultEndpoints would put a health-check body at /health and OpenTelemetry at
        // /metrics, both of which vLLM owns; keep only its liveness route.
        app.MapHealthChecks(Microsoft.Extensions.Hosting.Extensions.AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") });
        OpenAiEndpoints.Map(app, engine);
        return app;
    }

    private static string FormatHost(string host) => host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;
}
