using System.Text.Json.Serialization;

namespace VllmAspire.Contracts.Plan.Compute;

/// <summary>The body of Compute Engine's <c>instances.insert</c> (schema <c>Instance</c>, reference/gcp.md §2.5): the fields the plan's builder VM sets.</summary>
public sealed record Instance
{
    /// <summary>Gets the VM's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the machine type URL, e.g. <c>zones/Z/machineTypes/n2-standard-16</c>.</summary>
    public required string MachineType { get; init; }

    /// <summary>Gets the disks, the boot disk first.</summary>
    public IReadOnlyList<AttachedDisk> Disks { get; init; } = [];

    /// <summary>Gets the network interfaces.</summary>
    public IReadOnlyList<NetworkInterface> NetworkInterfaces { get; init; } = [];

    /// <summary>Gets the service account the VM runs as (one at most).</summary>
    public IReadOnlyList<ServiceAccount> ServiceAccounts { get; init; } = [];

    /// <summary>Gets the metadata, e.g. the <c>startup-script</c>.</summary>
    public Metadata? Metadata { get; init; }

    /// <summary>Gets the labels; ours mark the VM as the app's.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}

/// <summary>A disk of an <see cref="Instance"/> (schema <c>AttachedDisk</c>): a new boot disk, or an existing disk by <see cref="Source"/>.</summary>
public sealed record AttachedDisk
{
    /// <summary>Gets a value indicating whether this is the boot disk.</summary>
    public bool? Boot { get; init; }

    /// <summary>Gets a value indicating whether the disk is deleted with the VM.</summary>
    public bool? AutoDelete { get; init; }

    /// <summary>Gets <c>PERSISTENT</c> or <c>SCRATCH</c>.</summary>
    public string? Type { get; init; }

    /// <summary>Gets <c>READ_WRITE</c> or <c>READ_ONLY</c>.</summary>
    public string? Mode { get; init; }

    /// <summary>Gets the name the guest sees it under, <c>/dev/disk/by-id/google-DEVICE</c>.</summary>
    public string? DeviceName { get; init; }

    /// <summary>Gets how a new disk is made, or <see langword="null"/> for an existing one.</summary>
    public AttachedDiskInitializeParams? InitializeParams { get; init; }

    /// <summary>Gets an existing disk's URL, e.g. <c>projects/P/zones/Z/disks/D</c>.</summary>
    public string? Source { get; init; }
}

/// <summary>How a VM's new disk is made (schema <c>AttachedDiskInitializeParams</c>).</summary>
public sealed record AttachedDiskInitializeParams
{
    /// <summary>Gets the size in GB.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? DiskSizeGb { get; init; }

    /// <summary>Gets the disk type URL.</summary>
    public string? DiskType { get; init; }

    /// <summary>Gets the image, e.g. <c>projects/debian-cloud/global/images/family/debian-12</c>.</summary>
    public string? SourceImage { get; init; }
}

/// <summary>A VM's network interface (schema <c>NetworkInterface</c>).</summary>
public sealed record NetworkInterface
{
    /// <summary>Gets the network URL, e.g. <c>projects/P/global/networks/default</c>.</summary>
    public string? Network { get; init; }

    /// <summary>Gets the subnetwork URL, e.g. <c>projects/P/regions/R/subnetworks/default</c>.</summary>
    public string? Subnetwork { get; init; }

    /// <summary>Gets the external addresses; empty means no external IP.</summary>
    public IReadOnlyList<AccessConfig>? AccessConfigs { get; init; }
}

/// <summary>An external address of a network interface (schema <c>AccessConfig</c>).</summary>
public sealed record AccessConfig
{
    /// <summary>Gets the type, <c>ONE_TO_ONE_NAT</c>.</summary>
    public string? Type { get; init; }

    /// <summary>Gets the name, e.g. <c>External NAT</c>.</summary>
    public string? Name { get; init; }
}

/// <summary>The service account a VM runs as (schema <c>ServiceAccount</c>).</summary>
public sealed record ServiceAccount
{
    /// <summary>Gets the account's email, or <c>default</c> for the Compute Engine default account.</summary>
    public string? Email { get; init; }

    /// <summary>Gets the OAuth scopes.</summary>
    public IReadOnlyList<string>? Scopes { get; init; }
}

/// <summary>A VM's metadata (schema <c>Metadata</c>).</summary>
public sealed record Metadata
{
    /// <summary>Gets the entries.</summary>
    public IReadOnlyList<MetadataItem> Items { get; init; } = [];
}

/// <summary>One metadata entry (values up to 256 KiB).</summary>
public sealed record MetadataItem
{
    /// <summary>Gets the key, e.g. <c>startup-script</c>.</summary>
    public required string Key { get; init; }

    /// <summary>Gets the value.</summary>
    public string? Value { get; init; }
}
