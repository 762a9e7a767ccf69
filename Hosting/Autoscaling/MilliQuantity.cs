using System.Globalization;
using System.Numerics;

namespace VllmAspire.Hosting.Autoscaling;

/// <summary>
/// Kubernetes quantities as the HPA reads them: <c>Quantity.MilliValue()</c>, exact, rounded away from zero and
/// saturating at the <see cref="long"/> range (Kubernetes 1.38: before, negative values rounded up and overflow wrapped).
/// </summary>
public static class MilliQuantity
{
    // Decimal exponents beyond this many places cannot move a non-zero value inside (or out of) the long range.
    private const int ExponentBound = 64;

    private static readonly (string Suffix, int Power10, int Power2)[] Suffixes =
    [
        ("Ki", 0, 10), ("Mi", 0, 20), ("Gi", 0, 30), ("Ti", 0, 40), ("Pi", 0, 50), ("Ei", 0, 60),
        ("n", -9, 0), ("u", -6, 0), ("m", -3, 0), ("", 0, 0), ("k", 3, 0), ("M", 6, 0), ("G", 9, 0), ("T", 12, 0), ("P", 15, 0), ("E", 18, 0),
    ];

    /// <summary>Parses a quantity (<c>"2"</c>, <c>"1500m"</c>, <c>"2k"</c>, <c>"1Ki"</c>, <c>"1e3"</c>) to milli-units.</summary>
    /// <param name="text">The quantity.</param>
    /// <param name="milli">The value in milli-units: rounded away from zero, saturated at the long range.</param>
    /// <returns>Whether the text is a quantity.</returns>
    public static bool TryParse(string? text, out long milli)
    {
        milli = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        // <sign><digits>[.<digits>]<suffix>, the number read exactly as mantissa × 10^-fractionDigits.
        var s = text.Trim();
        var i = 0;
        var negative = false;
        if (s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            i++;
        }

        var mantissa = BigInteger.Zero;
        var digits = 0;
        var fractionDigits = 0;
        var dot = false;
        for (; i < s.Length; i++)
        {
            if (s[i] == '.' && !dot)
            {
                dot = true;
            }
            else if (char.IsAsciiDigit(s[i]))
            {
                mantissa = (mantissa * 10) + (s[i] - '0');
                digits++;
                fractionDigits += dot ? 1 : 0;
            }
            else
            {
                break;
            }
        }

        if (digits == 0 || !TryReadSuffix(s[i..], out var power10, out var power2))
        {
            return false;
        }

        // milli = mantissa × 10^(power10 − fractionDigits + 3) × 2^power2, rounded away from zero.
        var exponent = (long)power10 - fractionDigits + 3;
        BigInteger magnitude;
        if (mantissa.IsZero)
        {
            magnitude = BigInteger.Zero;
        }
        else if (exponent > ExponentBound)
        {
            magnitude = new BigInteger(long.MaxValue) + 1;
        }
        else if (exponent >= 0)
        {
            magnitude = (mantissa << power2) * BigInteger.Pow(10, (int)exponent);
        }
        else if (exponent < -(digits + ExponentBound))
        {
            magnitude = BigInteger.One;
        }
        else
        {
            var divisor = BigInteger.Pow(10, (int)-exponent);
            magnitude = BigInteger.DivRem(mantissa << power2, divisor, out var remainder);
            magnitude += remainder.IsZero ? 0 : 1;
        }

        milli = negative
            ? magnitude > new BigInteger(long.MaxValue) + 1 ? long.MinValue : (long)-magnitude
            : magnitude > long.MaxValue ? long.MaxValue : (long)magnitude;
        return true;
    }

    // A suffix of SI or binary SI, or a decimal exponent ("e3", "E-2"); "E" alone is exa.
    private static bool TryReadSuffix(string suffix, out int power10, out int power2)
    {
        foreach (var (name, p10, p2) in Suffixes)
        {
            if (suffix == name)
            {
                (power10, power2) = (p10, p2);
                return true;
            }
        }

        (power10, power2) = (0, 0);
        var exponent = suffix.Length > 1 && suffix[0] is 'e' or 'E' ? suffix[1..] : null;
        return exponent is not null && (char.IsAsciiDigit(exponent[^1]))
            && int.TryParse(exponent, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out power10);
    }
}
