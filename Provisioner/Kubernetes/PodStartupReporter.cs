using System.Globalization;
using System.Text.RegularExpressions;
using k8s.Models;
using VllmAspire.VllmCatalog;

namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>
/// Builds <see cref="PodStartupReport"/>s for a Deployment's pods by joining their events (scheduled, the cluster
/// autoscaler's scale-up when the pod waited for a node, pulling, pulled, started, the Ready condition) with vLLM's log
/// read through the one start-up grammar; each report is also one trace (<see cref="PodStartupTrace"/>).
/// </summary>
internal static partial class PodStartupReporter
{
    /// <summary>Reports how the Deployment's pods started.</summary>
    /// <param name="operations">The cluster.</param>
    /// <param name="deployment">The rolled-out Deployment.</param>
    /// <param name="since">Only pods created at or after this time (the apply), or every pod when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>One report per pod, oldest first.</returns>
    public static async Task<IReadOnlyList<PodStartupReport>> ReportAsync(KubernetesOperations operations, V1Deployment deployment, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var ns = deployment.Metadata.NamespaceProperty;
        var container = deployment.Spec.Template.Spec.Containers[0].Name;
        // creationTimestamp has whole seconds, so compare against the start of the apply's second.
        var from = since is { } t ? new DateTime(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc) : (DateTime?)null;
        var reports = new List<PodStartupReport>();
        foreach (var pod in (await operations.ListPodsAsync(deployment, cancellationToken))
                     .Where(p => p.Metadata.DeletionTimestamp is null && (from is null || p.Metadata.CreationTimestamp >= from))
                     .OrderBy(p => p.Metadata.CreationTimestamp))
        {
            var events = await operations.ListPodEventsAsync(ns, pod.Metadata.Name, cancellationToken);
            // kubelet's timestamps time vLLM's lines to the nanosecond.
            var log = await operations.ReadLogAsync(ns, pod.Metadata.Name, container, cancellationToken, timestamps: true);
            var report = Build(pod, events, log, container);
            PodStartupTrace.Emit(report);
            reports.Add(report);
        }

        return reports;
    }

    /// <summary>Builds one pod's report.</summary>
    /// <param name="pod">The pod.</param>
    /// <param name="events">The events about it.</param>
    /// <param name="log">Its vLLM container's log, with or without kubelet's timestamps.</param>
    /// <param name="container">The vLLM container's name: kubelet's pull and start events of other containers (the prefetch sidecar, which starts first) are not its start-up.</param>
    /// <returns>The report.</returns>
    public static PodStartupReport Build(V1Pod pod, IReadOnlyList<Corev1Event> events, string log, string container)
    {
        // Container events name their container (spec.containers{vllm}, spec.initContainers{prefetch-weights}); pod events name none.
        var fieldPath = $"spec.containers{{{container}}}";
        events = [.. events.Where(e => string.IsNullOrEmpty(e.InvolvedObject?.FieldPath) || e.InvolvedObject.FieldPath == fieldPath)];
        DateTimeOffset? First(string reason) => events.Where(e => e.Reason == reason).Select(TimeOf).Cast<DateTimeOffset?>().FirstOrDefault();
        var pulled = events.FirstOrDefault(e => e.Reason == "Pulled");
        var alreadyPresent = pulled?.Message?.Contains("already present on machine", StringComparison.Ordinal) == true;
        var ready = ToOffset(pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready" && c.Status == "True")?.LastTransitionTime);
        var created = ToOffset(pod.Metadata.CreationTimestamp) ?? DateTimeOffset.MinValue;
        var lines = PodLog.Lines(log);
        var started = First("Started");
        var pulling = First("Pulling");
        var pulledAt = pulled is null ? (DateTimeOffset?)null : TimeOf(pulled);
        var report = new PodStartupReport(
            pod.Metadata.Name,
            pod.Spec?.NodeName,
            created,
            First("Scheduled"),
            pulling,
            pulledAt,
            alreadyPresent ? TimeSpan.Zero : ParsePullDuration(pulled?.Message),
            alreadyPresent,
            started,
            VllmWeightLoad.From(lines.Select(l => l.Text)),
            ready,
            [],
            pod.Metadata.NamespaceProperty ?? "");
        return report with { Phases = Phases(report, First("TriggeredScaleUp"), lines) };
    }

    /// <summary>
    /// The phases of a pod's start: scheduling (and node provisioning when the cluster autoscaler was asked for a node),
    /// the image pull, then vLLM's phases from its log (<see cref="VllmStartupTimeline"/>), the last one ending at Ready.
    /// </summary>
    /// <param name="report">The report's events.</param>
    /// <param name="scaleUp">When the cluster autoscaler triggered a scale-up for the pod, if it did.</param>
    /// <param name="log">vLLM's log lines with kubelet's times where known.</param>
    /// <returns>The phases in order.</returns>
    public static IReadOnlyList<PodStartupPhase> Phases(PodStartupReport report, DateTimeOffset? scaleUp, IReadOnlyList<(DateTimeOffset? At, string Text)> log)
    {
        var phases = new List<PodStartupPhase>();
        var none = new Dictionary<string, object>();
        if (report.Scheduled is { } scheduled)
        {
            // Event times are whole seconds: a scale-up stamped with the scheduling second still came first.
            var waitedForNode = scaleUp is { } s && s <= scheduled;
            phases.Add(new(PodStartupPhases.Scheduling, report.Created, waitedForNode ? scaleUp!.Value : scheduled, none));
            if (waitedForNode)
            {
                phases.Add(new(PodStartupPhases.NodeProvisioning, scaleUp!.Value, scheduled, none));
            }
        }

        if (report.Pulled is { } pulled)
        {
            var attributes = new Dictionary<string, object> { [PodStartupPhases.ImageAlreadyPresentAttribute] = report.ImageAlreadyPresent };
            phases.Add(new(PodStartupPhases.ImagePull, report.PullStarted ?? pulled, pulled, attributes));
        }

        if (report.Started is not { } started)
        {
            return phases;
        }

        // Lines without kubelet's time fall back to vLLM's own stamp, read in UTC (a container's usual zone).
        var marks = new List<(DateTimeOffset, VllmStartupMark)>();
        foreach (var (at, text) in log)
        {
            if (VllmStartupLog.TryParse(text, out var line, out var mark) && (at ?? line.Stamp?.ToInstant(started, TimeSpan.Zero)) is { } time)
            {
                marks.Add((time, mark));
            }
        }

        foreach (var phase in VllmStartupTimeline.Build(started, marks, report.Ready))
        {
            var attributes = new Dictionary<string, object>();
            if (phase.WeightsGib is { } gib)
            {
                attributes[VllmStartupTelemetry.WeightsGibAttribute] = gib;
            }

            if (phase.CompileCacheHit is { } hit)
            {
                attributes[VllmStartupTelemetry.CompileCacheHitAttribute] = hit;
            }

            if (phase.CompileCacheDirectory is { } dir)
            {
                attributes[VllmStartupTelemetry.CompileCacheDirectoryAttribute] = dir;
            }

            phases.Add(new(VllmStartupTelemetry.SpanName(phase.Phase), phase.Start, phase.End, attributes));
        }

        return phases;
    }

    /// <summary>Reads the pull time from kubelet's <c>Pulled</c> message, e.g. <c>Successfully pulled image "x" in 1m2.5s (1m2.5s including waiting)</c>.</summary>
    /// <param name="message">The event message.</param>
    /// <returns>The duration, or <see langword="null"/> when the message has none.</returns>
    public static TimeSpan? ParsePullDuration(string? message)
    {
        if (message is null || PulledMessage().Match(message) is not { Success: true } match)
        {
            return null;
        }

        // A Go duration: a sequence of number+unit parts, e.g. 1h2m3.5s or 850ms.
        var total = TimeSpan.Zero;
        foreach (Match part in GoDurationPart().Matches(match.Groups["d"].Value))
        {
            var value = double.Parse(part.Groups["n"].Value, CultureInfo.InvariantCulture);
            total += part.Groups["u"].Value switch
            {
                "h" => TimeSpan.FromHours(value),
                "m" => TimeSpan.FromMinutes(value),
                "s" => TimeSpan.FromSeconds(value),
                "ms" => TimeSpan.FromMilliseconds(value),
                "us" or "µs" => TimeSpan.FromMicroseconds(value),
                _ => TimeSpan.FromTicks((long)(value / 100)),
            };
        }

        return total;
    }

    /// <summary>Gets when an event happened: its first occurrence, or its event time for events.k8s.io-style events.</summary>
    /// <param name="event">The event.</param>
    /// <returns>The time.</returns>
    public static DateTimeOffset TimeOf(Corev1Event @event) =>
        ToOffset(@event.FirstTimestamp) ?? ToOffset(@event.EventTime) ?? ToOffset(@event.LastTimestamp) ?? DateTimeOffset.MinValue;

    /// <summary>Gets whether a pod's Ready condition is true.</summary>
    /// <param name="pod">The pod.</param>
    /// <returns>Whether it is ready.</returns>
    public static bool IsReady(V1Pod pod) => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    private static DateTimeOffset? ToOffset(DateTime? time) =>
        time is null ? null : new DateTimeOffset(DateTime.SpecifyKind(time.Value, DateTimeKind.Utc));

    [GeneratedRegex(@"Successfully pulled image ""[^""]*"" in (?<d>(?:[0-9.]+(?:h|ms|m|s|us|µs|ns))+)")]
    private static partial Regex PulledMessage();

    [GeneratedRegex(@"(?<n>[0-9.]+)(?<u>h|ms|m|s|us|µs|ns)")]
    private static partial Regex GoDurationPart();
}
