using System.Globalization;

namespace VllmAspire.MetricsAdapterShim;

/// <summary>Kubernetes quantities as the custom metrics API returns them.</summary>
public static class Quantity
{
    /// <summary>
    /// Formats a value as prometheus-adapter does: milli-units truncated toward zero; whole numbers without a suffix
    /// (<c>"2"</c>), fractions as milli (<c>"1500m"</c>). Never <c>NaN</c>, <c>Inf</c> or exponents.
    /// </summary>
    /// <param name="value">A finite value.</param>
    /// <returns>The quantity.</returns>
    public static string Format(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A quantity must be finite.");
        }

        var milli = value * 1000 >= long.MaxValue ? long.MaxValue : value * 1000 <= long.MinValue ? long.MinValue : (long)(value * 1000);
        return milli % 1000 == 0
            ? (milli / 1000).ToString(CultureInfo.InvariantCulture)
            : milli.ToString(CultureInfo.InvariantCulture) + "m";
    }
}
