using System.Globalization;

namespace VllmAspire.VllmSimulator;

/// <summary>
/// A vLLM release number (major.minor.patch; suffixes such as <c>rc1</c> or <c>.post1</c> are kept for display
/// only). The simulator's behaviour (V0 or V1 engine, metric names, log lines) depends on it.
/// </summary>
public sealed record VllmVersion(int Major, int Minor, int Patch, string Text) : IComparable<VllmVersion>
{
    /// <summary>The first release whose default engine is V1 (metrics labelled with <c>engine</c>).</summary>
    public static readonly VllmVersion FirstV1 = new(0, 8, 0, "0.8.0");

    /// <summary>Whether this release runs the V1 engine by default.</summary>
    public bool IsV1 => CompareTo(FirstV1) >= 0;

    /// <summary>Whether this release is at least <paramref name="major"/>.<paramref name="minor"/>.<paramref name="patch"/>.</summary>
    /// <param name="major">The major number.</param>
    /// <param name="minor">The minor number.</param>
    /// <param name="patch">The patch number.</param>
    /// <returns>True when this version is the same or newer.</returns>
    public bool AtLeast(int major, int minor, int patch = 0) => CompareTo(new VllmVersion(major, minor, patch, "")) >= 0;

    /// <summary>Parses <c>0.10.1</c>, <c>v0.5.3.post1</c>, <c>0.8.0rc2</c> or <c>0.9</c>.</summary>
    /// <param name="text">The version text.</param>
    /// <param name="version">The parsed version.</param>
    /// <returns>Whether the text is a version.</returns>
    public static bool TryParse(string? text, out VllmVersion version)
    {
        version = FirstV1;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var t = text.Trim();
        if (t.StartsWith('v') || t.StartsWith('V'))
        {
            t = t[1..];
        }

        var numbers = new int[3];
        var parts = t.Split('.');
        if (parts.Length < 2)
        {
            return false;
        }

        for (var i = 0; i < Math.Min(3, parts.Length); i++)
        {
            // Keep the leading digits: "0rc1" -> 0, "3" -> 3; "post1" after the third part is ignored.
            var digits = new string(parts[i].TakeWhile(char.IsAsciiDigit).ToArray());
            if (digits.Length == 0 || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                if (i == 2)
                {
                    break;
                }

                return false;
            }
        }

        version = new VllmVersion(numbers[0], numbers[1], numbers[2], t);
        return true;
    }

    /// <inheritdoc />
    public int CompareTo(VllmVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = Major.CompareTo(other.Major);
        if (c == 0)
        {
            c = Minor.CompareTo(other.Minor);
        }

        return c == 0 ? Patch.CompareTo(other.Patch) : c;
    }

    /// <inheritdoc />
    public override string ToString() => Text;
}
