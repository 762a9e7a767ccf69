using System.Text.Json.Nodes;

namespace VllmAspire.Provisioner.Gcp.Container;

/// <summary>The fields of a GKE node pool the stages read; <see cref="Config"/> stays JSON to compare with the plan.</summary>
internal sealed record NodePool
{
    /// <summary>Gets the pool's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets <c>PROVISIONING</c>, <c>RUNNING</c>, <c>RUNNING_WITH_ERROR</c>, <c>RECONCILING</c>, <c>STOPPING</c> or <c>ERROR</c>.</summary>
    public string? Status { get; init; }

    /// <summary>Gets the deprecated status message.</summary>
    public string? StatusMessage { get; init; }

    /// <summary>Gets the node configuration (machine type, accelerators, secondary boot disks, resource labels…).</summary>
    public JsonObject? Config { get; init; }
}
