namespace VllmAspire.Contracts.Plan.Container;

/// <summary>The body of GKE's <c>nodePools.create</c> (schema <c>CreateNodePoolRequest</c>, reference/gcp.md §1.2); the parent is in the URL.</summary>
public sealed record CreateNodePoolRequest
{
    /// <summary>Gets the pool to create.</summary>
    public required NodePool NodePool { get; init; }
}

/// <summary>A node pool (schema <c>NodePool</c>): the fields the plan sets.</summary>
public sealed record NodePool
{
    /// <summary>Gets the pool's name (at most 40 characters).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the nodes created at first, per zone.</summary>
    public int? InitialNodeCount { get; init; }

    /// <summary>Gets the zones of the pool's nodes.</summary>
    public IReadOnlyList<string>? Locations { get; init; }

    /// <summary>Gets the cluster autoscaler's settings for the pool.</summary>
    public NodePoolAutoscaling? Autoscaling { get; init; }

    /// <summary>Gets the node auto-repair and auto-upgrade settings.</summary>
    public NodeManagement? Management { get; init; }

    /// <summary>Gets the nodes' configuration.</summary>
    public NodeConfig? Config { get; init; }
}

/// <summary>A pool's autoscaling (schema <c>NodePoolAutoscaling</c>); the total limits cannot be combined with the per-zone ones.</summary>
public sealed record NodePoolAutoscaling
{
    /// <summary>Gets a value indicating whether the autoscaler manages the pool.</summary>
    public bool? Enabled { get; init; }

    /// <summary>Gets the fewest nodes of the whole pool.</summary>
    public int? TotalMinNodeCount { get; init; }

    /// <summary>Gets the most nodes of the whole pool.</summary>
    public int? TotalMaxNodeCount { get; init; }

    /// <summary>Gets <c>BALANCED</c> or <c>ANY</c> (the zone with capacity, which suits scarce GPUs).</summary>
    public string? LocationPolicy { get; init; }
}

/// <summary>A pool's node management (schema <c>NodeManagement</c>).</summary>
public sealed record NodeManagement
{
    /// <summary>Gets a value indicating whether broken nodes are repaired.</summary>
    public bool? AutoRepair { get; init; }

    /// <summary>Gets a value indicating whether nodes follow the cluster's version.</summary>
    public bool? AutoUpgrade { get; init; }
}
