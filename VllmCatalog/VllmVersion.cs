using System.Globalization;

namespace VllmAspire.VllmCatalog;

/// <summary>
/// A vLLM release number (major.minor.patch; suffixes such as <c>rc1</c>, <c>.post1</c> or an image tag's
/// <c>-cu129</c> are kept for display only). Metric names, log lines and loader flags depend on it; the simulator
/// imitates one and publishing reads it from the vLLM image's tag.
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

    /// <summary>Parses <c>0.10.1</c>, <c>v0.5.3.post1</c>, <c>0.8.0rc2</c>, <c>v0.21.0-cu129</c> or <c>0.9</c>; not <c>latest</c> or <c>nightly</c>.</summary>
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

    /// <summary>Reads the release from a vLLM image reference's tag (<c>vllm/vllm-openai:v0.10.1</c>).</summary>
    /// <param name="imageReference">The image reference.</param>
    /// <param name="version">The release its tag names.</param>
    /// <returns>Whether the tag is a pinned release (not <c>latest</c>, <c>nightly</c> or a digest alone).</returns>
    public static bool TryParseImageTag(string? imageReference, out VllmVersion version)
    {
        version = FirstV1;
        if (string.IsNullOrWhiteSpace(imageReference))
        {
            return false;
        }

        var reference = imageReference.Split('@')[0];
        var colon = reference.LastIndexOf(':');
        return colon > reference.LastIndexOf('/') && TryParse(reference[(colon + 1)..], out version);
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

    /// <summary>Whether <paramref name="left"/> is newer than or the same as <paramref name="right"/>.</summary>
    /// <param name="left">A version.</param>
    /// <param name="right">Another version.</param>
    /// <returns>The comparison.</returns>
    public static bool operator >=(VllmVersion left, VllmVersion right) => left is null ? right is null : left.CompareTo(right) >= 0;

    /// <summary>Whether <paramref name="left"/> is older than or the same as <paramref name="right"/>.</summary>
    /// <param name="left">A version.</param>
    /// <param name="right">Another version.</param>
    /// <returns>The comparison.</returns>
    public static bool operator <=(VllmVersion left, VllmVersion right) => left is null || left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> is newer than <paramref name="right"/>.</summary>
    /// <param name="left">A version.</param>
    /// <param name="right">Another version.</param>
    /// <returns>The comparison.</returns>
    public static bool operator >(VllmVersion left, VllmVersion right) => left is not null && left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> is older than <paramref name="right"/>.</summary>
    /// <param name="left">A version.</param>
    /// <param name="right">Another version.</param>
    /// <returns>The comparison.</returns>
    public static bool operator <(VllmVersion left, VllmVersion right) => left is null ? right is not null : left.CompareTo(right) < 0;

    /// <inheritdoc />
    public override string ToString() => Text;
}
