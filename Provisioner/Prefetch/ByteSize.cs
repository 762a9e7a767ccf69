using System.Globalization;

namespace VllmAspire.Provisioner.Prefetch;

/// <summary>Parses sizes such as <c>16M</c>, <c>16MiB</c>, <c>512k</c> or <c>1048576</c> (binary units: 1M = 1024 KiB).</summary>
public static class ByteSize
{
    /// <summary>Parses a size.</summary>
    /// <param name="text">The size: a whole number of bytes, optionally followed by K, M or G (with or without <c>iB</c>/<c>B</c>).</param>
    /// <param name="name">The option the text came from, for the error message.</param>
    /// <returns>The size in bytes.</returns>
    /// <exception cref="FormatException">The text is not a size.</exception>
    public static long Parse(string text, string name)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        var unit = t.TrimStart("0123456789".ToCharArray());
        var number = t[..^unit.Length];
        long multiplier = unit.ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KB" or "KIB" => 1L << 10,
            "M" or "MB" or "MIB" => 1L << 20,
            "G" or "GB" or "GIB" => 1L << 30,
            _ => 0,
        };
        if (multiplier == 0 || !long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw new FormatException($"{name} '{text}' is not a size: write a whole number of bytes, optionally with K, M or G (binary units), e.g. 16M or 1048576.");
        }

        return checked(value * multiplier);
    }

    /// <summary>Formats a byte count with a binary unit, e.g. <c>512.0 MiB</c>.</summary>
    /// <param name="bytes">The byte count.</param>
    /// <returns>The text.</returns>
    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("F2", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("F1", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("F1", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
