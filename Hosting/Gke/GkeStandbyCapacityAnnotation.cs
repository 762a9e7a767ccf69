namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Keeps warm GPU nodes in a node pool (<c>WithStandbyCapacity</c>), so a scale-out schedules its pod on a node that
/// is already up instead of waiting for a new one. Published as low-priority placeholder pods that request a whole
/// node's GPUs and that real pods pre-empt (docs/reference/capacity-buffer.md says why not GKE's CapacityBuffer).
/// </summary>
/// <param name="NodesPerZone">The warm nodes to keep in each zone of the pool.</param>
public sealed record GkeStandbyCapacityAnnotation(int NodesPerZone) : IResourceAnnotation;
