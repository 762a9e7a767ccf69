using System.Globalization;

namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>
/// A container log read with <c>timestamps=true</c> (<c>kubectl logs --timestamps</c>): kubelet puts the RFC 3339 time
/// it received each line in front of it (to the nanosecond), which times vLLM's lines better than vLLM's own stamp (to
/// the second, no year, the container's zone).
/// </summary>
internal static class PodLog
{
    /// <summary>Splits a log into lines with kubelet's time, when the line has one.</summary>
    /// <param name="log">The log text.</param>
    /// <returns>The lines in order, without trailing empties.</returns>
    public static IReadOnlyList<(DateTimeOffset? At, string Text)> Lines(string log)
    {
        var lines = new List<(DateTimeOffset?, string)>();
        foreach (var raw in log.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && TryParseTime(line[..space], out var at))
            {
                lines.Add((at, line[(space + 1)..]));
            }
            else
            {
                lines.Add((null, line));
            }
        }

        return lines;
    }

    /// <summary>Reads an RFC 3339 time with up to nine fractional digits (.NET parses seven).</summary>
    /// <param name="text">The text, e.g. <c>2026-05-01T10:00:03.123456789Z</c>.</param>
    /// <param name="time">The time.</param>
    /// <returns>Whether the text is such a time.</returns>
    public static bool TryParseTime(string text, out DateTimeOffset time)
    {
        time = default;
        if (text.Length < 20 || text[4] != '-' || text[10] != 'T')
        {
            return false;
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                text = text[..(dot + 8)] + text[end..];
            }
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }
}
