using System.Globalization;
using System.Text;

namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>Writes <see cref="PodStartupReport"/>s as one line per pod, times relative to the pod's creation.</summary>
internal static class PodStartupReportFormatter
{
    /// <summary>
    /// Formats one report, e.g. <c>vllm-abc on node-1: scheduled +0.4s, image pulled in 1.234s (+2.0s), started +2.3s,
    /// weights loaded in 12.30 s (14.99 GiB), ready +31.0s | phases: scheduling 0.4s, image pull 1.6s, imports 10.0s, ...</c>.
    /// </summary>
    /// <param name="report">The report.</param>
    /// <returns>The line.</returns>
    public static string Format(PodStartupReport report)
    {
        string At(DateTimeOffset? time) => time is null ? "not yet" : "+" + Seconds(time.Value - report.Created);
        var line = new StringBuilder(report.Pod);
        line.Append(report.Node is null ? " (not scheduled)" : $" on {report.Node}");
        line.Append(": scheduled ").Append(At(report.Scheduled));
        line.Append(report.ImageAlreadyPresent
            ? ", image already on the node"
            : report.Pulled is null ? ", image " + (report.PullStarted is null ? "not pulled yet" : "pulling since " + At(report.PullStarted))
            : $", image pulled in {(report.PullDuration is { } d ? Seconds(d) : "?")} ({At(report.Pulled)})");
        line.Append(", started ").Append(At(report.Started));
        if (report.WeightLoad is { } load)
        {
            line.Append(", weights loaded");
            if (load.Seconds is { } s)
            {
                line.Append(CultureInfo.InvariantCulture, $" in {s:0.00} s");
            }

            if (load.Gib is { } gib)
            {
                line.Append(CultureInfo.InvariantCulture, $" ({gib:0.00} GiB)");
            }
        }
        else
        {
            line.Append(", no weight-load line in the log");
        }

        line.Append(", ready ").Append(At(report.Ready));
        if (report.Phases.Count > 0)
        {
            line.Append(" | phases: ").AppendJoin(", ", report.Phases.Select(Phase));
        }

        return line.ToString();
    }

    /// <summary>Formats every report, one line each.</summary>
    /// <param name="reports">The reports.</param>
    /// <returns>The lines joined by newlines.</returns>
    public static string Format(IEnumerable<PodStartupReport> reports) => string.Join("\n", reports.Select(Format));

    /// <summary>A phase as <c>weight load 12.3s (15.99 GiB)</c>, <c>torch.compile 7.5s (cache hit)</c>.</summary>
    private static string Phase(PodStartupPhase phase)
    {
        var text = phase.Name + " " + Seconds(phase.Duration);
        if (phase.Attributes.TryGetValue(VllmCatalog.VllmStartupTelemetry.CompileCacheHitAttribute, out var hit))
        {
            text += (bool)hit ? " (cache hit)" : " (cache miss)";
        }

        return text;
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0##", CultureInfo.InvariantCulture) + "s";
}
