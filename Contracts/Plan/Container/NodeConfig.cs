using System.Text.Json.Serialization;

namespace VllmAspire.Contracts.Plan.Container;

/// <summary>A pool's node configuration (schema <c>NodeConfig</c>, reference/gcp.md §1.2): the fields the plan sets, in the order it writes them.</summary>
public sealed record NodeConfig
{
    /// <summary>Gets the machine type, e.g. <c>g2-standard-16</c>.</summary>
    public string? MachineType { get; init; }

    /// <summary>Gets the node image, e.g. <c>COS_CONTAINERD</c>.</summary>
    public string? ImageType { get; init; }

    /// <summary>Gets the boot disk type, which a secondary boot disk takes too.</summary>
    public string? DiskType { get; init; }

    /// <summary>Gets the boot disk's size in GB.</summary>
    public int? DiskSizeGb { get; init; }

    /// <summary>Gets the nodes' OAuth scopes.</summary>
    public IReadOnlyList<string>? OauthScopes { get; init; }

    /// <summary>Gets how pods reach the metadata server; <c>GKE_METADATA</c> for Workload Identity.</summary>
    public WorkloadMetadataConfig? WorkloadMetadataConfig { get; init; }

    /// <summary>Gets the GCE labels of the nodes' resources; ours mark the pool as the app's.</summary>
    public IReadOnlyDictionary<string, string>? ResourceLabels { get; init; }

    /// <summary>Gets the GPUs of each node.</summary>
    public IReadOnlyList<AcceleratorConfig>? Accelerators { get; init; }

    /// <summary>Gets the nodes' taints.</summary>
    public IReadOnlyList<NodeTaint>? Taints { get; init; }

    /// <summary>Gets image streaming, which secondary boot disks need.</summary>
    public GcfsConfig? GcfsConfig { get; init; }

    /// <summary>Gets the secondary boot disks, e.g. the image cache.</summary>
    public IReadOnlyList<SecondaryBootDisk>? SecondaryBootDisks { get; init; }
}

/// <summary>How pods reach the metadata server (schema <c>WorkloadMetadataConfig</c>).</summary>
public sealed record WorkloadMetadataConfig
{
    /// <summary>Gets <c>GCE_METADATA</c> or <c>GKE_METADATA</c>.</summary>
    public required string Mode { get; init; }
}

/// <summary>The GPUs of a node (schema <c>AcceleratorConfig</c>).</summary>
public sealed record AcceleratorConfig
{
    /// <summary>Gets how many GPUs each node has (int64, a JSON string).</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? AcceleratorCount { get; init; }

    /// <summary>Gets the GPU type, e.g. <c>nvidia-l4</c>.</summary>
    public string? AcceleratorType { get; init; }

    /// <summary>Gets which GPU driver GKE installs.</summary>
    public GpuDriverInstallationConfig? GpuDriverInstallationConfig { get; init; }
}

/// <summary>Which GPU driver GKE installs (schema <c>GPUDriverInstallationConfig</c>).</summary>
public sealed record GpuDriverInstallationConfig
{
    /// <summary>Gets <c>DEFAULT</c>, <c>LATEST</c> or <c>INSTALLATION_DISABLED</c>.</summary>
    public required string GpuDriverVersion { get; init; }
}

/// <summary>A node taint (schema <c>NodeTaint</c>).</summary>
public sealed record NodeTaint
{
    /// <summary>Gets the key.</summary>
    public required string Key { get; init; }

    /// <summary>Gets the value.</summary>
    public string? Value { get; init; }

    /// <summary>Gets <c>NO_SCHEDULE</c>, <c>PREFER_NO_SCHEDULE</c> or <c>NO_EXECUTE</c>.</summary>
    public required string Effect { get; init; }
}

/// <summary>Image streaming (schema <c>GcfsConfig</c>).</summary>
public sealed record GcfsConfig
{
    /// <summary>Gets a value indicating whether image streaming is on.</summary>
    public bool Enabled { get; init; }
}

/// <summary>A secondary boot disk of every node (schema <c>SecondaryBootDisk</c>, reference/gcp.md §1.5).</summary>
public sealed record SecondaryBootDisk
{
    /// <summary>The mode in which containerd reads image layers from the disk.</summary>
    public const string ContainerImageCacheMode = "CONTAINER_IMAGE_CACHE";

    /// <summary>Gets the disk image, e.g. <c>projects/P/global/images/NAME</c>.</summary>
    public required string DiskImage { get; init; }

    /// <summary>Gets <see cref="ContainerImageCacheMode"/>, or <c>MODE_UNSPECIFIED</c> for a data disk.</summary>
    public required string Mode { get; init; }
}
