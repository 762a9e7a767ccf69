using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The service defaults every VllmAspire service uses, shaped as Aspire's ServiceDefaults template: OpenTelemetry
/// (metrics, traces, logs), a Prometheus <c>/metrics</c> endpoint, health endpoints, service discovery and
/// standard resilience for outgoing HTTP.
/// </summary>
public static class Extensions
{
    /// <summary>The path of the health endpoint that runs every registered check.</summary>
    public const string HealthEndpointPath = "/health";

    /// <summary>The path of the liveness endpoint that runs only checks tagged <c>live</c>.</summary>
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>The path of the Prometheus scrape endpoint.</summary>
    public const string MetricsEndpointPath = "/metrics";

    /// <summary>
    /// Adds OpenTelemetry, default health checks, service discovery and resilience to the application.
    /// </summary>
    /// <typeparam name="TBuilder">The host application builder type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The same builder.</returns>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    /// <summary>
    /// Configures OpenTelemetry logging, metrics and tracing, exporting over OTLP when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set and always serving metrics to Prometheus.
    /// </summary>
    /// <typeparam name="TBuilder">The host application builder type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The same builder.</returns>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(builder.Environment.ApplicationName)
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddAspNetCoreInstrumentation(options =>
                    // Probes and scrapes would drown the traces that matter.
                    options.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath)
                        && !context.Request.Path.StartsWithSegments(MetricsEndpointPath))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // Some telemetry is sent once only (a vLLM start's trace): an export the collector answers late or refuses
            // for a moment (a dashboard still starting, a loaded machine) is tried again rather than dropped.
            builder.Configuration[OtlpRetryVariable] ??= "in_memory";
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    // OpenTelemetry .NET's switch for retrying exports after transient failures (in_memory or disk).
    private const string OtlpRetryVariable = "OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY";

    /// <summary>Adds the <c>self</c> liveness check tagged <c>live</c>.</summary>
    /// <typeparam name="TBuilder">The host application builder type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The same builder.</returns>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (every check), <c>/alive</c> (checks tagged <c>live</c>) and the Prometheus
    /// <c>/metrics</c> endpoint. Unlike Aspire's template these are mapped in every environment, because
    /// Kubernetes probes and Prometheus need them in production too; they reveal only health status and metrics.
    /// </summary>
    /// <param name="app">The web application.</param>
    /// <param name="mapMetrics">Whether to map the OpenTelemetry Prometheus endpoint at <c>/metrics</c>.</param>
    /// <returns>The same application.</returns>
    public static WebApplication MapDefaultEndpoints(this WebApplication app, bool mapMetrics = true)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") });
        if (mapMetrics)
        {
            app.MapPrometheusScrapingEndpoint(MetricsEndpointPath);
        }

        return app;
    }
}
