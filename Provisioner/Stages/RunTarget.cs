namespace VllmAspire.Provisioner.Stages;

/// <summary>Where a run deploys, as its trace says it (<see cref="StageTracing"/>).</summary>
/// <param name="Project">The GCP project.</param>
/// <param name="Location">The cluster's location (region or zone).</param>
/// <param name="Cluster">The GKE cluster.</param>
internal sealed record RunTarget(string Project, string Location, string Cluster);
