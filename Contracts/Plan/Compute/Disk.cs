using System.Text.Json.Serialization;

namespace VllmAspire.Contracts.Plan.Compute;

/// <summary>The body of Compute Engine's <c>disks.insert</c> (schema <c>Disk</c>, reference/gcp.md §2.3): the fields the plan sets.</summary>
public sealed record Disk
{
    /// <summary>Gets the disk's name (RFC 1035, at most 63 characters).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the size in GB; at least the source image's size.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? SizeGb { get; init; }

    /// <summary>Gets the disk type URL, e.g. <c>projects/P/zones/Z/diskTypes/pd-ssd</c>.</summary>
    public string? Type { get; init; }

    /// <summary>Gets the image the disk is made from, e.g. <c>projects/P/global/images/NAME</c>, or <see langword="null"/> for an empty disk.</summary>
    public string? SourceImage { get; init; }

    /// <summary>Gets the labels; ours mark the disk as the app's.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}
