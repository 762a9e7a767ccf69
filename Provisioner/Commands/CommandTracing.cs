using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using VllmAspire.Provisioner.Stages;

namespace VllmAspire.Provisioner.Commands;

/// <summary>
/// Exports the traces of the <c>deploy</c> and <c>destroy</c> verbs (the run and stage spans of
/// <see cref="StageTracing"/>, with the HTTP calls each stage makes under its span) over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, as the service does through its service defaults. The standard
/// <c>OTEL_*</c> settings apply (protocol, headers, service name), from the environment or <c>--KEY=value</c>.
/// </summary>
internal static class CommandTracing
{
    /// <summary>The configuration key that turns export on, as in Aspire's service defaults.</summary>
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    // A verb exits right after its summary: what is still buffered then gets this long to reach the collector.
    private const int FlushTimeoutMilliseconds = 5000;

    /// <summary>Starts exporting, when an endpoint is configured.</summary>
    /// <param name="configuration">The verb's configuration.</param>
    /// <returns>The tracer provider, to <see cref="Flush"/> before the process exits; <see langword="null"/> when export is off.</returns>
    public static TracerProvider? Start(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.IsNullOrWhiteSpace(configuration[EndpointKey]))
        {
            return null;
        }

        return Sdk.CreateTracerProviderBuilder()
            // The exporter and resource read the OTEL_* settings from this configuration, command-line overrides included.
            .ConfigureServices(services => services.AddSingleton(configuration))
            .ConfigureResource(resource =>
            {
                if (string.IsNullOrWhiteSpace(configuration["OTEL_SERVICE_NAME"]))
                {
                    resource.AddService(StageTracing.SourceName);
                }
            })
            .AddSource(StageTracing.SourceName)
            .AddHttpClientInstrumentation()
            .AddOtlpExporter()
            .Build();
    }

    /// <summary>Sends every span still buffered (waiting a few seconds at most for the collector), then stops exporting.</summary>
    /// <param name="provider">The provider from <see cref="Start"/>, or <see langword="null"/>.</param>
    public static void Flush(TracerProvider? provider)
    {
        if (provider is null)
        {
            return;
        }

        provider.ForceFlush(FlushTimeoutMilliseconds);
        provider.Dispose();
    }
}
