using System.Globalization;

namespace VllmSimulator.Tests;

/// <summary>Reads sample values from Prometheus text.</summary>
public static class MetricsText
{
    /// <summary>The value of the series whose line starts with <paramref name="series"/> (name and labels), or null.</summary>
    public static double? Value(string text, string series)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..].Trim(), CultureInfo.InvariantCulture);
            }
        }

        return null;
    }
}
