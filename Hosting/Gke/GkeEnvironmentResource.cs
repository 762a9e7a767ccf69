using Aspire.Hosting.Pipelines;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A GKE cluster the model is published and deployed to, as an Aspire compute environment: its project, location,
/// zone(s), cluster and container registry are parameters; its node pools are child resources
/// (<see cref="GkeNodePoolResource"/>); the metrics adapter is an annotation; its publish, plan, deploy and destroy
/// work are pipeline steps (<see cref="PipelineStepAnnotation"/>),
/// so <c>aspire publish</c>, <c>aspire do plan</c>, <c>aspire deploy</c> and <c>aspire destroy</c> run them. Like
/// Aspire's own compute environments it exists only outside run mode.
/// </summary>
/// <param name="name">The resource name.</param>
/// <param name="project">The <c>gcp-project</c> parameter.</param>
/// <param name="location">The <c>gcp-location</c> parameter: the cluster's region or zone.</param>
/// <param name="zone">The <c>gcp-zone</c> parameter: where the GPU nodes and the weights disk live (one zone or a comma-separated list).</param>
/// <param name="cluster">The <c>gke-cluster</c> parameter.</param>
/// <param name="containerRegistry">The <c>container-registry</c> parameter: the Artifact Registry repository of our own images.</param>
public sealed class GkeEnvironmentResource(string name, ParameterResource project, ParameterResource location, ParameterResource zone,
    ParameterResource cluster, ParameterResource containerRegistry) : Resource(name), IComputeEnvironmentResource
{
    // Children, as Aspire's database servers keep their databases: publish reads them from the environment.
    private readonly List<GkeNodePoolResource> _nodePools = [];

    /// <summary>Gets the project parameter.</summary>
    public ParameterResource Project { get; } = project;

    /// <summary>Gets the cluster location parameter (region or zone).</summary>
    public ParameterResource Location { get; } = location;

    /// <summary>Gets the zone parameter.</summary>
    public ParameterResource Zone { get; } = zone;

    /// <summary>Gets the cluster name parameter.</summary>
    public ParameterResource Cluster { get; } = cluster;

    /// <summary>
    /// Gets the <c>container-registry</c> parameter: the Artifact Registry repository (<c>REGION-docker.pkg.dev/PROJECT/REPO</c>)
    /// that holds our own images (the prefetch sidecar's, our metrics adapter's).
    /// </summary>
    public ParameterResource ContainerRegistry { get; } = containerRegistry;

    /// <summary>Gets the Kubernetes namespace the workloads are published into, set by <c>WithNamespace</c>.</summary>
    public string Namespace { get; internal set; } = "vllm";

    /// <summary>Gets the node pools, in the order <c>AddNodePool</c> added them.</summary>
    public IReadOnlyList<GkeNodePoolResource> NodePoolResources => _nodePools;

    /// <summary>Gets the node pools' configurations, in the order <c>AddNodePool</c> added them.</summary>
    public IReadOnlyList<GkeNodePoolAnnotation> NodePools => [.. _nodePools.Select(p => p.Configuration)];

    /// <summary>
    /// Gets the image cache deploy builds: the one <c>WithImageCache</c> gave the node pools (publish checks they
    /// agree), or <see langword="null"/> when no pool has one.
    /// </summary>
    public GkeImageCacheAnnotation? ImageCache => _nodePools.Select(p => p.ImageCache).FirstOrDefault(c => c is not null);

    /// <summary>Gets the metrics adapter the HPA uses (Google's by default).</summary>
    public MetricsAdapterKind MetricsAdapter =>
        Annotations.OfType<GkeMetricsAdapterAnnotation>().LastOrDefault()?.Kind ?? MetricsAdapterKind.GoogleStackdriver;

    internal void AddNodePool(GkeNodePoolResource pool) => _nodePools.Add(pool);
}
