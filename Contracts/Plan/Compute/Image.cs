namespace VllmAspire.Contracts.Plan.Compute;

/// <summary>The body of Compute Engine's <c>images.insert</c> (schema <c>Image</c>, reference/gcp.md §2.4): an image made from a disk.</summary>
public sealed record Image
{
    /// <summary>Gets the image's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the disk the image is made from, e.g. <c>projects/P/zones/Z/disks/D</c>; it must be detached.</summary>
    public string? SourceDisk { get; init; }

    /// <summary>Gets the image family, or <see langword="null"/>.</summary>
    public string? Family { get; init; }

    /// <summary>Gets the labels; ours mark the image as the app's.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}
