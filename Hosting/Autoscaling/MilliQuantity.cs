using System.Globalization;

namespace VllmAspire.Hosting.Autoscaling;

/// <summary>Kubernetes quantities as the HPA reads them: <c>Quantity.MilliValue()</c>, i.e. ceil(value × 1000).</summary>
public static class MilliQuantity
{
    private static readonly (string Suffix, double Factor)[] Suffixes =
    [
        ("Ki", 1024d), ("Mi", 1024d * 1024), ("Gi", Math.Pow(1024, 3)), ("Ti", Math.Pow(1024, 4)), ("Pi", Math.Pow(1024, 5)), ("Ei", Math.Pow(1024, 6)),
        ("n", 1e-9), ("u", 1e-6), ("m", 1e-3), ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("P", 1e15), ("E", 1e18),
    ];

    /// <summary>Parses a quantity (<c>"2"</c>, <c>"1500m"</c>, <c>"2k"</c>, <c>"1Ki"</c>, <c>"1e3"</c>) to milli-units, rounding up.</summary>
    /// <param name="text">The quantity.</param>
    /// <param name="milli">The value in milli-units.</param>
    /// <returns>Whether the text is a quantity.</returns>
    public static bool TryParse(string? text, out long milli)
    {
        milli = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var number = text.Trim();
        var factor = 1d;
        foreach (var (suffix, f) in Suffixes)
        {
            // "1E3" is an exponent, "1E" is exa: only a suffix when nothing numeric follows it.
            if (number.EndsWith(suffix, StringComparison.Ordinal) && number.Length > suffix.Length)
            {
                number = number[..^suffix.Length];
                factor = f;
                break;
            }
        }

        if (!decimal.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        var result = Math.Ceiling((double)value * factor * 1000 - 1e-9);
        if (!double.IsFinite(result) || Math.Abs(result) >= long.MaxValue)
        {
            return false;
        }

        milli = (long)result;
        return true;
    }
}
