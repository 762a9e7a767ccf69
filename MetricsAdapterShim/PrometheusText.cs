using System.Buffers;
using System.Globalization;
using System.Text;

namespace VllmAspire.MetricsAdapterShim;

/// <summary>One sample of the Prometheus text exposition format.</summary>
/// <param name="Name">The series name.</param>
/// <param name="Labels">The labels.</param>
/// <param name="Value">The value.</param>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>Parses the Prometheus text exposition format (what vLLM's <c>/metrics</c> returns).</summary>
public static class PrometheusText
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    /// <summary>Parses the samples; comment lines are skipped, malformed lines are skipped too.</summary>
    /// <param name="text">The exposition.</param>
    /// <param name="keep">Keeps only series with these names (checked before labels are parsed); null keeps all.</param>
    /// <returns>The samples.</returns>
    public static List<PrometheusSample> Parse(string text, IReadOnlySet<string>? keep = null)
    {
        var lookup = keep is HashSet<string> set ? set.GetAlternateLookup<ReadOnlySpan<char>>() : default;
        var samples = new List<PrometheusSample>();
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            var line = raw.Trim();
            if (line.IsEmpty || line[0] == '#')
            {
                continue;
            }

            if (keep is not null)
            {
                var end = line.IndexOfAny('{', ' ', '\t');
                var name = end < 0 ? line : line[..end];
                if (lookup.Set is not null ? !lookup.Contains(name) : !keep.Contains(name.ToString()))
                {
                    continue;
                }
            }

            if (TryParseLine(line, out var sample))
            {
                samples.Add(sample);
            }
        }

        return samples;
    }

    /// <summary>
    /// Parses UTF-8 exposition text as it arrives from a scrape, without decoding the whole body: a line is decoded
    /// (and its labels parsed) only when its series name is kept. A vLLM scrape is ~30 KB of which a handful of lines
    /// are served, so this keeps the shim's allocation per scrape to those samples.
    /// </summary>
    /// <param name="utf8">The exposition, UTF-8.</param>
    /// <param name="keep">Keeps only series with these names; null keeps all.</param>
    /// <returns>The samples.</returns>
    public static List<PrometheusSample> Parse(ReadOnlySpan<byte> utf8, IReadOnlySet<string>? keep)
    {
        var lookup = keep is HashSet<string> set ? set.GetAlternateLookup<ReadOnlySpan<char>>() : default;
        var samples = new List<PrometheusSample>();
        Span<char> name = stackalloc char[256];
        char[]? rented = null;
        try
        {
            while (!utf8.IsEmpty)
            {
                var end = utf8.IndexOf((byte)'\n');
                var line = (end < 0 ? utf8 : utf8[..end]).Trim(" \t\r"u8);
                utf8 = end < 0 ? default : utf8[(end + 1)..];
                if (line.IsEmpty || line[0] == (byte)'#')
                {
                    continue;
                }

                if (keep is not null)
                {
                    var nameEnd = line.IndexOfAny("{ \t"u8);
                    var nameBytes = nameEnd < 0 ? line : line[..nameEnd];
                    // Series names are ASCII ([a-zA-Z_:][a-zA-Z0-9_:]*): a longer or non-ASCII one is never served.
                    if (nameBytes.Length > name.Length || !Ascii.IsValid(nameBytes))
                    {
                        continue;
                    }

                    var chars = name[..Encoding.ASCII.GetChars(nameBytes, name)];
                    if (lookup.Set is not null ? !lookup.Contains(chars) : !keep.Contains(chars.ToString()))
                    {
                        continue;
                    }
                }

                var needed = Encoding.UTF8.GetMaxCharCount(line.Length);
                if (rented is null || rented.Length < needed)
                {
                    if (rented is not null)
                    {
                        ArrayPool<char>.Shared.Return(rented);
                    }

                    rented = ArrayPool<char>.Shared.Rent(needed);
                }

                var text = rented.AsSpan(0, Encoding.UTF8.GetChars(line, rented));
                if (TryParseLine(text, out var sample))
                {
                    samples.Add(sample);
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }

        return samples;
    }

    /// <summary>
    /// Sums, over the series named <paramref name="name"/> whose labels match <paramref name="selector"/>, their values
    /// (vLLM exposes one series per <c>model_name</c>/<c>engine</c>; the GKE adapter sums them per pod too).
    /// </summary>
    /// <param name="samples">The parsed samples.</param>
    /// <param name="name">The series name.</param>
    /// <param name="selector">Restricts the series by their labels.</param>
    /// <returns>The sum, or <see langword="null"/> when no series matched or a value is not finite.</returns>
    public static double? Sum(IEnumerable<PrometheusSample> samples, string name, LabelSelector selector)
    {
        double? sum = null;
        foreach (var s in samples)
        {
            if (s.Name == name && selector.Matches(s.Labels))
            {
                if (!double.IsFinite(s.Value))
                {
                    return null;
                }

                sum = (sum ?? 0) + s.Value;
            }
        }

        return sum;
    }

    private static bool TryParseLine(ReadOnlySpan<char> line, out PrometheusSample sample)
    {
        sample = null!;
        var nameEnd = 0;
        while (nameEnd < line.Length && line[nameEnd] is not ('{' or ' ' or '\t'))
        {
            nameEnd++;
        }

        if (nameEnd == 0)
        {
            return false;
        }

        var name = line[..nameEnd].ToString();
        var labels = NoLabels;
        var rest = line[nameEnd..];
        if (!rest.IsEmpty && rest[0] == '{')
        {
            var parsed = new Dictionary<string, string>(StringComparer.Ordinal);
            var i = 1;
            while (true)
            {
                while (i < rest.Length && rest[i] is ' ' or ',')
                {
                    i++;
                }

                if (i >= rest.Length)
                {
                    return false;
                }

                if (rest[i] == '}')
                {
                    i++;
                    break;
                }

                var eq = rest[i..].IndexOf('=');
                if (eq < 0 || i + eq + 1 >= rest.Length || rest[i + eq + 1] != '"')
                {
                    return false;
                }

                var key = rest.Slice(i, eq).Trim().ToString();
                i += eq + 2;
                var value = new StringBuilder();
                while (i < rest.Length && rest[i] != '"')
                {
                    if (rest[i] == '\\' && i + 1 < rest.Length)
                    {
                        i++;
                        value.Append(rest[i] == 'n' ? '\n' : rest[i]);
                    }
                    else
                    {
                        value.Append(rest[i]);
                    }

                    i++;
                }

                if (i >= rest.Length)
                {
                    return false;
                }

                i++;
                parsed[key] = value.ToString();
            }

            labels = parsed;
            rest = rest[i..];
        }

        rest = rest.Trim();
        var space = rest.IndexOfAny(' ', '\t');
        var valueText = space < 0 ? rest : rest[..space];
        if (!TryParseValue(valueText, out var number))
        {
            return false;
        }

        sample = new PrometheusSample(name, labels, number);
        return true;
    }

    private static bool TryParseValue(ReadOnlySpan<char> text, out double value)
    {
        switch (text)
        {
            case "+Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }
}
