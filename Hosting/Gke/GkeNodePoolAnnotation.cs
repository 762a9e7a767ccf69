namespace Aspire.Hosting.ApplicationModel;

/// <summary>The configuration of a <see cref="GkeNodePoolResource"/>: what deploy creates the pool with.</summary>
public sealed record GkeNodePoolAnnotation : IResourceAnnotation
{
    /// <summary>Gets the pool's declared name (its GKE name, the <c>cloud.google.com/gke-nodepool</c> label value, adds a configuration hash).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the machine type, e.g. <c>g2-standard-16</c>.</summary>
    public required string MachineType { get; init; }

    /// <summary>Gets the GPU type, e.g. <c>nvidia-l4</c>, or <see langword="null"/> for a pool without GPUs.</summary>
    public string? Accelerator { get; init; }

    /// <summary>Gets the GPUs per node.</summary>
    public int AcceleratorCount { get; init; } = 1;

    /// <summary>Gets the initial node count.</summary>
    public int Count { get; init; } = 1;

    /// <summary>Gets the fewest nodes the autoscaler keeps.</summary>
    public int MinNodes { get; init; }

    /// <summary>Gets the most nodes the autoscaler adds.</summary>
    public int MaxNodes { get; init; } = 1;

    /// <summary>Gets the boot disk type (the image cache disk has the same type).</summary>
    public string BootDiskType { get; init; } = "pd-ssd";

    /// <summary>Gets the boot disk size in GB.</summary>
    public int BootDiskSizeGb { get; init; } = 200;
}
