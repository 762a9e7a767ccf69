namespace VllmAspire.Hosting.Publishing;

/// <summary>The resolved GKE environment the model is published to.</summary>
/// <param name="Project">The GCP project ID.</param>
/// <param name="Location">The cluster location (region or zone).</param>
/// <param name="Zones">The zones of the GPU nodes, each with its own weights disk (<c>gcp-zone</c>, comma-separated); the first is the primary zone.</param>
/// <param name="Cluster">The cluster name.</param>
/// <param name="Namespace">The namespace of the workloads.</param>
public sealed record GkeTarget(string Project, string Location, IReadOnlyList<string> Zones, string Cluster, string Namespace)
{
    /// <summary>Gets the primary zone: where the weights are baked and the image cache is built (their images are global).</summary>
    public string Zone => Zones[0];

    /// <summary>Gets whether the GPU nodes span several zones, so every zone gets its own weights disk and Deployment.</summary>
    public bool IsMultiZone => Zones.Count > 1;

    /// <summary>Gets the region the zones belong to.</summary>
    public string Region => Zone[..Zone.LastIndexOf('-')];
}
