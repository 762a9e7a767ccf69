using System.Globalization;
using System.Text.RegularExpressions;

namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>
/// vLLM's own account of loading the weights, from its log (reference/metrics.md §6.4): the V1 loader's
/// <c>Loading weights took N seconds</c>, the V1 runner's <c>Model loading took N GiB [memory] and N seconds</c>, and V0's
/// <c>Loading model weights took N GB</c>.
/// </summary>
/// <param name="Seconds">The load time vLLM reported, if it reported one.</param>
/// <param name="Gib">The memory the weights took (GiB for V1, GB for V0), if reported.</param>
/// <param name="Line">The log line the time (or size) came from.</param>
internal sealed partial record VllmWeightLoad(double? Seconds, double? Gib, string Line)
{
    /// <summary>Finds vLLM's weight-load lines in a container log.</summary>
    /// <param name="log">The log text.</param>
    /// <returns>The load, or <see langword="null"/> when the log has no such line yet.</returns>
    public static VllmWeightLoad? Parse(string log)
    {
        double? seconds = null, gib = null;
        string? line = null;
        foreach (var text in log.Split('\n'))
        {
            if (LoaderLine().Match(text) is { Success: true } loader)
            {
                seconds = Number(loader.Groups["s"]);
                line = text.Trim();
            }
            else if (RunnerLine().Match(text) is { Success: true } runner)
            {
                gib = Number(runner.Groups["gib"]);
                seconds ??= Number(runner.Groups["s"]);
                line ??= text.Trim();
            }
            else if (V0Line().Match(text) is { Success: true } v0)
            {
                gib = Number(v0.Groups["gb"]);
                line ??= text.Trim();
            }
        }

        return line is null ? null : new VllmWeightLoad(seconds, gib, line);
    }

    private static double Number(Group group) => double.Parse(group.Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Loading weights took (?<s>[0-9.]+) seconds")]
    private static partial Regex LoaderLine();

    [GeneratedRegex(@"Model loading took (?<gib>[0-9.]+) GiB(?: memory)? and (?<s>[0-9.]+) seconds")]
    private static partial Regex RunnerLine();

    [GeneratedRegex(@"Loading model weights took (?<gb>[0-9.]+) GB")]
    private static partial Regex V0Line();
}
