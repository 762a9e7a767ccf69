namespace VllmAspire.Hosting.Publishing;

/// <summary>The resolved GKE environment the model is published to.</summary>
/// <param name="Project">The GCP project ID.</param>
/// <param name="Location">The cluster location (region or zone).</param>
/// <param name="Zone">The zone of the GPU nodes and the weights disk.</param>
/// <param name="Cluster">The cluster name.</param>
/// <param name="Namespace">The namespace of the workloads.</param>
public sealed record GkeTarget(string Project, string Location, string Zone, string Cluster, string Namespace)
{
    /// <summary>Gets the region the zone belongs to.</summary>
    public string Region => Zone[..Zone.LastIndexOf('-')];
}
