using System.Globalization;

namespace VllmAspire.Bench;

/// <summary>Order statistics of a sample.</summary>
internal static class Stats
{
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = p / 100 * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }

    public static string Format(double value, string unit = "s") => $"{value.ToString("F2", CultureInfo.InvariantCulture)} {unit}";
}
