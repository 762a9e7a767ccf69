using System.Diagnostics.Metrics;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace VllmAspire.Hosting.Autoscaling;

/// <summary>
/// A local HPA's decisions as OpenTelemetry gauges in the Aspire dashboard, filed under the HPA resource itself
/// (<c>service.name</c> is its name): <c>hpa.replicas.current</c> and <c>hpa.replicas.desired</c>, and the metric's
/// <c>hpa.metric.average</c> per pod against <c>hpa.metric.target</c>. One gauge each, since the dashboard charts an
/// instrument's series summed. The AppHost sends them to the dashboard's OTLP endpoint (the <c>aspire-dashboard</c>
/// resource's <c>otlp-grpc</c> or <c>otlp-http</c> endpoint, as Aspire resolves it for its resources) with the AppHost's
/// OTLP API key (<c>AppHost:OtlpApiKey</c>); without a dashboard nothing is exported.
/// </summary>
internal sealed class AutoscalerTelemetry : IDisposable
{
    /// <summary>The prefix of each HPA's meter name; the HPA's name follows.</summary>
    public const string MeterNamePrefix = "VllmAspire.Autoscaling.";

    private const string DashboardResourceName = "aspire-dashboard";

    private readonly Meter _meter;
    private readonly MeterProvider _provider;
    private Reading? _latest;

    private AutoscalerTelemetry(HorizontalPodAutoscalerResource hpa, string metric, Uri endpoint, OtlpExportProtocol protocol, string? apiKey)
    {
        // One meter (and provider) per HPA: a provider's resource attributes name one service.
        _meter = new Meter(MeterNamePrefix + hpa.Name);
        _meter.CreateObservableGauge("hpa.replicas.current", () => Measure(r => r.Current), "{replica}", "Replicas the autoscaler counted at its last decision.");
        _meter.CreateObservableGauge("hpa.replicas.desired", () => Measure(r => r.Desired), "{replica}", "Replicas the autoscaler decided on.");
        _meter.CreateObservableGauge("hpa.metric.average", () => Measure(r => r.Average), null, $"{metric} per pod, averaged over the pods at the last decision.");
        _meter.CreateObservableGauge("hpa.metric.target", () => Measure(r => r.Target), null, $"The target of {metric} per pod.");
        _provider = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.AddService(hpa.Name, serviceInstanceId: hpa.Name))
            .AddMeter(_meter.Name)
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = endpoint;
                exporter.Protocol = protocol;
                if (!string.IsNullOrEmpty(apiKey))
                {
                    exporter.Headers = $"x-otlp-api-key={apiKey}";
                }

                // A decision is taken every sync period (15 s by default); charts follow within a couple of seconds.
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 2000;
            })
            .Build();
    }

    /// <summary>
    /// Creates the exporter of one HPA once the dashboard's OTLP endpoint is allocated; null while it is not, or
    /// when the model has no dashboard (tests, <c>DisableDashboard</c>).
    /// </summary>
    /// <param name="model">The application model.</param>
    /// <param name="configuration">The AppHost's configuration (the OTLP API key).</param>
    /// <param name="hpa">The HPA resource.</param>
    /// <param name="metric">The metric it scales on.</param>
    /// <returns>The exporter, or null.</returns>
    public static AutoscalerTelemetry? TryCreate(DistributedApplicationModel model, IConfiguration configuration, HorizontalPodAutoscalerResource hpa, string metric)
    {
        if (model.Resources.FirstOrDefault(r => r.Name == DashboardResourceName) is not IResourceWithEndpoints dashboard)
        {
            return null;
        }

        foreach (var (name, protocol) in new[] { ("otlp-grpc", OtlpExportProtocol.Grpc), ("otlp-http", OtlpExportProtocol.HttpProtobuf) })
        {
            var endpoint = dashboard.GetEndpoint(name);
            if (endpoint.Exists && endpoint.IsAllocated)
            {
                var url = new Uri(endpoint.Url);
                return new AutoscalerTelemetry(hpa, metric, protocol == OtlpExportProtocol.HttpProtobuf ? new Uri(url, "/v1/metrics") : url, protocol, configuration["AppHost:OtlpApiKey"]);
            }
        }

        return null;
    }

    /// <summary>Records a decision; the gauges report it until the next one.</summary>
    /// <param name="decision">The decision.</param>
    /// <param name="outcome">Its metric's outcome, if any.</param>
    public void Record(HpaDecision decision, HpaMetricOutcome? outcome) =>
        Volatile.Write(ref _latest, new Reading(decision.CurrentReplicas, decision.DesiredReplicas, outcome?.CurrentMilli / 1000d, outcome is null ? null : outcome.TargetMilli / 1000d));

    /// <inheritdoc />
    public void Dispose()
    {
        _provider.Dispose();
        _meter.Dispose();
    }

    private IEnumerable<Measurement<double>> Measure(Func<Reading, double?> value) =>
        Volatile.Read(ref _latest) is { } reading && value(reading) is { } v ? [new Measurement<double>(v)] : [];

    private sealed record Reading(double Current, double Desired, double? Average, double? Target);
}
