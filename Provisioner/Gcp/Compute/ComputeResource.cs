using System.Text.Json.Serialization;

namespace VllmAspire.Provisioner.Gcp.Compute;

/// <summary>The fields of a Compute disk, image or instance the stages read.</summary>
internal sealed record ComputeResource
{
    /// <summary>Gets the name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the status: disks <c>CREATING|READY|FAILED|DELETING</c>, images <c>PENDING|READY|FAILED</c>, instances <c>PROVISIONING|RUNNING|TERMINATED</c>….</summary>
    public string? Status { get; init; }

    /// <summary>Gets the labels.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Gets the instances a disk is attached to.</summary>
    public IReadOnlyList<string>? Users { get; init; }

    /// <summary>Gets a disk's size in GB (int64, a JSON string).</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? SizeGb { get; init; }

    /// <summary>Gets an image's size in GB (int64, a JSON string).</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? DiskSizeGb { get; init; }

    /// <summary>Gets the self link.</summary>
    public string? SelfLink { get; init; }
}
