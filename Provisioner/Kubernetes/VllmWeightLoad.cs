using VllmAspire.VllmCatalog;

namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>
/// vLLM's own account of loading the weights, read from its log with the one start-up grammar (<see cref="VllmStartupLog"/>):
/// the V1 loader's <c>Loading weights took N seconds</c>, the V1 runner's <c>Model loading took N GiB [memory] and N seconds</c>,
/// and V0's <c>Loading model weights took N GB</c>.
/// </summary>
/// <param name="Seconds">The load time vLLM reported, if it reported one (the loader's, else the runner's).</param>
/// <param name="Gib">The memory the weights took, if reported.</param>
/// <param name="Line">The log line the time (or size) came from.</param>
internal sealed record VllmWeightLoad(double? Seconds, double? Gib, string Line)
{
    /// <summary>Finds vLLM's weight-load lines among a container's log lines.</summary>
    /// <param name="lines">The log's lines (without kubelet's timestamps).</param>
    /// <returns>The load, or <see langword="null"/> when the log has no such line yet.</returns>
    public static VllmWeightLoad? From(IEnumerable<string> lines)
    {
        (string Text, VllmStartupMark Mark)? loader = null, runner = null;
        foreach (var text in lines)
        {
            if (VllmStartupLog.TryParse(text, out _, out var mark))
            {
                switch (mark.Kind)
                {
                    case VllmStartupMarkKind.WeightsLoaded:
                        loader = (text.Trim(), mark);
                        break;
                    case VllmStartupMarkKind.ModelLoaded:
                        runner = (text.Trim(), mark);
                        break;
                }
            }
        }

        return (loader ?? runner) is { } line
            ? new VllmWeightLoad(loader?.Mark.Seconds ?? runner?.Mark.Seconds, runner?.Mark.Gib, line.Text)
            : null;
    }

    /// <summary>Finds vLLM's weight-load lines in a container log.</summary>
    /// <param name="log">The log text.</param>
    /// <returns>The load, or <see langword="null"/> when the log has no such line yet.</returns>
    public static VllmWeightLoad? Parse(string log) => From(log.Split('\n'));
}
