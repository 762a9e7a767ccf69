using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>
/// Each reported pod start as one trace: a root span from the pod's creation to Ready and a span per phase, with the
/// times the events and kubelet recorded (the same phase names as the local simulator's start-up traces). Exported over
/// OTLP when the standard <c>OTEL_EXPORTER_OTLP_*</c> settings name an endpoint (<see cref="AddPodStartupTracing"/>).
/// </summary>
internal static class PodStartupTrace
{
    /// <summary>The ActivitySource of the pod start-up traces.</summary>
    public const string SourceName = "VllmAspire.Provisioner.PodStartup";

    /// <summary>The root span's name.</summary>
    public const string RootName = "pod start";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>Emits a report as a trace (nothing when nothing listens).</summary>
    /// <param name="report">The report.</param>
    public static void Emit(PodStartupReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!Source.HasListeners())
        {
            return;
        }

        var end = report.Ready ?? report.Phases.Select(p => p.End).DefaultIfEmpty(report.Created).Max();
        // A pod start is a trace of its own; the deploy run that saw it is a link.
        var current = Activity.Current;
        Activity.Current = null;
        try
        {
            ActivityLink[] links = current is null ? [] : [new ActivityLink(current.Context)];
            using var root = Source.StartActivity(RootName, ActivityKind.Internal, default(ActivityContext), links: links, startTime: report.Created);
            if (root is null)
            {
                return;
            }

            root.SetTag("k8s.pod.name", report.Pod);
            root.SetTag("k8s.namespace.name", report.Namespace);
            root.SetTag("k8s.node.name", report.Node);
            if (report.Ready is null)
            {
                root.SetStatus(ActivityStatusCode.Error, "The pod was not Ready when reported.");
            }

            foreach (var phase in report.Phases)
            {
                using var span = Source.StartActivity(phase.Name, ActivityKind.Internal, root.Context, startTime: phase.Start);
                if (span is null)
                {
                    continue;
                }

                foreach (var (key, value) in phase.Attributes)
                {
                    span.SetTag(key, value);
                }

                // A zero-length span would be ended "now" on dispose: give it one tick.
                span.SetEndTime(phase.End > phase.Start ? phase.End.UtcDateTime : phase.Start.UtcDateTime.AddTicks(1));
            }

            root.SetEndTime(end > report.Created ? end.UtcDateTime : report.Created.UtcDateTime.AddTicks(1));
        }
        finally
        {
            Activity.Current = current;
        }
    }

    /// <summary>
    /// Exports the pod start-up traces over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is configured (the other
    /// <c>OTEL_*</c> settings, e.g. headers and protocol, apply as the OpenTelemetry SDK reads them).
    /// </summary>
    /// <param name="services">The deploy run's services.</param>
    /// <param name="configuration">The configuration (environment and overrides).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddPodStartupTracing(this IServiceCollection services, IConfiguration configuration)
    {
        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(SourceName)).UseOtlpExporter();
        }

        return services;
    }
}
