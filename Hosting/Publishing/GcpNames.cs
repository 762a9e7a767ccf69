using System.Text.RegularExpressions;

namespace VllmAspire.Hosting.Publishing;

/// <summary>Name rules of Kubernetes and Compute Engine that publishing checks before writing anything.</summary>
public static partial class GcpNames
{
    /// <summary>Gets whether the name is a DNS-1123 label: lower-case alphanumerics and '-', 1–63 characters, alphanumeric at both ends.</summary>
    /// <param name="name">The name.</param>
    /// <returns>Whether it is valid.</returns>
    public static bool IsDns1123Label(string name) => name.Length is > 0 and <= 63 && Dns1123Label().IsMatch(name);

    /// <summary>Gets whether the name is a Compute Engine resource name (RFC 1035: <c>[a-z]([-a-z0-9]*[a-z0-9])?</c>) of at most <paramref name="maxLength"/> characters.</summary>
    /// <param name="name">The name.</param>
    /// <param name="maxLength">The longest allowed length (63 for disks and images).</param>
    /// <returns>Whether it is valid.</returns>
    public static bool IsGceName(string name, int maxLength = 63) => name.Length > 0 && name.Length <= maxLength && GceName().IsMatch(name);

    /// <summary>Gets whether the ID is a GCP project ID: 6–30 characters, lower-case letters, digits and '-', starting with a letter.</summary>
    /// <param name="id">The project ID.</param>
    /// <returns>Whether it is valid.</returns>
    public static bool IsProjectId(string id) => ProjectId().IsMatch(id);

    /// <summary>Gets whether the value looks like a region (<c>us-central1</c>).</summary>
    /// <param name="value">The value.</param>
    /// <returns>Whether it is a region.</returns>
    public static bool IsRegion(string value) => Region().IsMatch(value);

    /// <summary>Gets whether the value looks like a zone (<c>us-central1-a</c>).</summary>
    /// <param name="value">The value.</param>
    /// <returns>Whether it is a zone.</returns>
    public static bool IsZone(string value) => Zone().IsMatch(value);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex GceName();

    [GeneratedRegex("^[a-z][-a-z0-9]{4,28}[a-z0-9]$")]
    private static partial Regex ProjectId();

    [GeneratedRegex("^[a-z]+-[a-z]+[0-9]+$")]
    private static partial Regex Region();

    [GeneratedRegex("^[a-z]+-[a-z]+[0-9]+-[a-z]$")]
    private static partial Regex Zone();
}
