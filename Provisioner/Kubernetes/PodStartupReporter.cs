using System.Globalization;
using System.Text.RegularExpressions;
using k8s.Models;

namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>Builds <see cref="PodStartupReport"/>s for a Deployment's pods from their events and container logs.</summary>
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
            var log = await operations.ReadLogAsync(ns, pod.Metadata.Name, container, cancellationToken);
            reports.Add(Build(pod, events, log));
        }

        return reports;
    }

    /// <summary>Builds one pod's report.</summary>
    /// <param name="pod">The pod.</param>
    /// <param name="events">The events about it.</param>
    /// <param name="log">Its vLLM container's log.</param>
    /// <returns>The report.</returns>
    public static PodStartupReport Build(V1Pod pod, IReadOnlyList<Corev1Event> events, string log)
    {
        DateTimeOffset? First(string reason) => events.Where(e => e.Reason == reason).Select(TimeOf).Cast<DateTimeOffset?>().FirstOrDefault();
        var pulled = events.FirstOrDefault(e => e.Reason == "Pulled");
        var alreadyPresent = pulled?.Message?.Contains("already present on machine", StringComparison.Ordinal) == true;
        var ready = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready" && c.Status == "True")?.LastTransitionTime;
        return new PodStartupReport(
            pod.Metadata.Name,
            pod.Spec?.NodeName,
            ToOffset(pod.Metadata.CreationTimestamp) ?? DateTimeOffset.MinValue,
            First("Scheduled"),
            First("Pulling"),
            pulled is null ? null : TimeOf(pulled),
            alreadyPresent ? TimeSpan.Zero : ParsePullDuration(pulled?.Message),
            alreadyPresent,
            First("Started"),
            VllmWeightLoad.Parse(log),
            ToOffset(ready));
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
