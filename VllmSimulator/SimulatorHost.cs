using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using VllmAspire.VllmSimulator.Api;
using VllmAspire.VllmSimulator.Engine;
using VllmAspire.VllmSimulator.Startup;
using VllmAspire.VllmSimulator.Telemetry;
using VllmAspire.VllmSimulator.Weights;

namespace VllmAspire.VllmSimulator;

/// <summary>
/// Runs the simulator through a vLLM start (<see cref="StartupPlayer"/>: imports, engine, real weight loading,
/// torch.compile with its cache, CUDA graphs) and only then serves HTTP, as vLLM does not answer while it starts.
/// The start is one trace; the web host (and so its OpenTelemetry export) is built first, so the spans of a start that
/// happens before the server listens are exported too.
/// </summary>
public static class SimulatorHost
{
    /// <summary>Runs until shut down.</summary>
    /// <param name="options">The options.</param>
    /// <param name="stdout">Where log lines go.</param>
    /// <param name="stderr">Where errors go.</param>
    /// <param name="ct">Stops start-up.</param>
    /// <returns>The process exit code: 0 after a clean shutdown, 1 when the weights cannot be loaded.</returns>
    public static Task<int> RunAsync(SimulatorOptions options, TextWriter stdout, TextWriter stderr, CancellationToken ct) =>
        RunAsync(options, stdout, stderr, ProcessStart(), configureServices: null, ct);

    /// <summary>Runs until shut down, with the start measured from <paramref name="processStart"/>.</summary>
    /// <param name="options">The options.</param>
    /// <param name="stdout">Where log lines go.</param>
    /// <param name="stderr">Where errors go.</param>
    /// <param name="processStart">When the process (the container) started: the start-up trace's beginning.</param>
    /// <param name="configureServices">Lets tests add services, e.g. an in-memory exporter.</param>
    /// <param name="ct">Stops start-up.</param>
    /// <returns>The exit code.</returns>
    internal static async Task<int> RunAsync(SimulatorOptions options, TextWriter stdout, TextWriter stderr, DateTimeOffset processStart, Action<IServiceCollection>? configureServices, CancellationToken ct)
    {
        var log = new VllmLog(options.Version, stdout, stderr);

        // As the pod's native sidecar, the prefetcher starts with the container: its reads overlap the whole start.
        PrefetchSidecarProcess? sidecar = null;
        if (options.Prefetcher is { } prefetcher)
        {
            try
            {
                sidecar = PrefetchSidecarProcess.Start(prefetcher, options.Model, options.PrefetchConcurrency, log);
            }
            catch (WeightLoadException ex)
            {
                log.Error(options.Version.IsV1 ? "core.py:700" : "engine.py:300", ex.Message);
                return 1;
            }
        }

        try
        {
            var app = BuildApp(options, configureServices, out var engine);
            try
            {
                // The providers exist from here on, so the start's spans and histogram are exported.
                _ = app.Services.GetService<TracerProvider>();
                _ = app.Services.GetService<MeterProvider>();
                var meter = app.Services.GetRequiredService<IMeterFactory>().Create(SimulatorTelemetry.Name);
                using (var trace = new StartupTrace(processStart, options, meter))
                {
                    if (!await new StartupPlayer(options, log, trace).PlayAsync(processStart, app, ct).ConfigureAwait(false))
                    {
                        return 1;
                    }
                }

                using var stop = CancellationTokenSource.CreateLinkedTokenSource(app.Lifetime.ApplicationStopping);
                var stats = options.DisableLogStats ? Task.CompletedTask : engine.LogStatsAsync(log, StatsInterval(), stop.Token);
                await app.WaitForShutdownAsync(CancellationToken.None).ConfigureAwait(false);
                await stop.CancelAsync().ConfigureAwait(false);
                await stats.ConfigureAwait(false);
                return 0;
            }
            finally
            {
                await app.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            if (sidecar is not null)
            {
                await sidecar.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static DateTimeOffset ProcessStart()
    {
        using var self = Process.GetCurrentProcess();
        return new DateTimeOffset(self.StartTime);
    }

    private static TimeSpan StatsInterval() =>
        double.TryParse(Environment.GetEnvironmentVariable("VLLM_LOG_STATS_INTERVAL"), System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0
            ? TimeSpan.FromSeconds(s)
            : TimeSpan.FromSeconds(10);

    private static WebApplication BuildApp(SimulatorOptions options, Action<IServiceCollection>? configureServices, out LlmEngine engine)
    {
        // No args: the vLLM flags are not configuration keys.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ApplicationName = SimulatorTelemetry.Name });
        builder.AddServiceDefaults();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(SimulatorTelemetry.Name));
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(SimulatorTelemetry.Name));
        configureServices?.Invoke(builder.Services);
        // vLLM's flags decide where to listen, not ASPNETCORE_URLS.
        builder.WebHost.UseUrls($"http://{FormatHost(options.Host)}:{options.Port}");
        // Keep the console vLLM-shaped: ASP.NET's informational chatter would interleave with vLLM's lines.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System", LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);

        var app = builder.Build();
        engine = new LlmEngine(options, TimeProvider.System, app.Services.GetRequiredService<IMeterFactory>().Create(SimulatorTelemetry.Name));
        // ServiceDefaults' MapDefaultEndpoints would put a health-check body at /health and OpenTelemetry at
        // /metrics, both of which vLLM owns; keep only its liveness route.
        app.MapHealthChecks(Microsoft.Extensions.Hosting.Extensions.AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") });
        OpenAiEndpoints.Map(app, engine);
        return app;
    }

    /// <summary>The address the started server listens on, with a wildcard host replaced by the configured one.</summary>
    /// <param name="app">The started application.</param>
    /// <param name="options">The options.</param>
    /// <returns>The URL.</returns>
    internal static string ListenAddress(WebApplication app, SimulatorOptions options)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? $"http://{options.Host}:{options.Port}";
        return address.Replace("[::]", options.Host, StringComparison.Ordinal);
    }

    private static string FormatHost(string host) => host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;
}
