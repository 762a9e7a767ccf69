using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Pipelines;
using VllmAspire.Hosting.Gke;

namespace Aspire.Hosting;

/// <summary>Adds a GKE environment: the target of <c>aspire publish</c>, <c>aspire do plan</c>, <c>aspire deploy</c> and <c>aspire destroy</c>.</summary>
public static class GkeEnvironmentBuilderExtensions
{
    /// <summary>The parameter with the GCP project ID.</summary>
    public const string ProjectParameterName = "gcp-project";

    /// <summary>The parameter with the cluster location (region or zone).</summary>
    public const string LocationParameterName = "gcp-location";

    /// <summary>The parameter with the zone of the GPU nodes and the weights disk, or a comma-separated list of zones.</summary>
    public const string ZoneParameterName = "gcp-zone";

    /// <summary>The parameter with the GKE cluster name.</summary>
    public const string ClusterParameterName = "gke-cluster";

    /// <summary>The parameter with the Artifact Registry repository of our own images (the prefetch sidecar's, our metrics adapter's).</summary>
    public const string ContainerRegistryParameterName = "container-registry";

    /// <summary>
    /// Adds a GKE environment. Its parameters (<c>gcp-project</c>, <c>gcp-location</c>, <c>gcp-zone</c>,
    /// <c>gke-cluster</c>, <c>container-registry</c>) are read only by its pipeline steps: publish (Kubernetes
    /// manifests and the GKE plan), plan (start-up time and cost), deploy and destroy. In run mode neither the
    /// environment nor its parameters join the model, so a local run never needs cloud settings.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    /// <example>
    /// A GPU node pool whose nodes have every image of the model cached on a secondary boot disk:
    /// <code lang="csharp">
    /// var gke = builder.AddGkeEnvironment("gke");
    /// gke.AddNodePool("vllm-pool", machineType: "g2-standard-16", accelerator: "nvidia-l4", minNodes: 1, maxNodes: 5)
    ///     .WithImageCache();
    /// </code>
    /// Then <c>dotnet aspire publish -o out</c>, <c>dotnet aspire do plan</c>, <c>dotnet aspire deploy</c>.
    /// </example>
    public static IResourceBuilder<GkeEnvironmentResource> AddGkeEnvironment(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var environment = new GkeEnvironmentResource(name,
            Parameter(builder, ProjectParameterName, "the GCP project ID"),
            Parameter(builder, LocationParameterName, "the cluster's location, a region such as us-central1 or a zone"),
            Parameter(builder, ZoneParameterName, "the zone of the GPU nodes and the weights disk, inside the cluster's location, or a comma-separated list of zones (one weights disk and Deployment each)"),
            Parameter(builder, ClusterParameterName, "the GKE cluster name"),
            Parameter(builder, ContainerRegistryParameterName, "the Artifact Registry repository, REGION-docker.pkg.dev/PROJECT/REPO, that deploy pushes our own images to (the prefetch sidecar's, our metrics adapter's)"));
        if (builder.ExecutionContext.IsRunMode)
        {
            // As Aspire's compute environments: builder-only in run mode.
            return builder.CreateResourceBuilder(environment);
        }

        foreach (var parameter in new[] { environment.Project, environment.Location, environment.Zone, environment.Cluster, environment.ContainerRegistry })
        {
            builder.AddResource(parameter);
        }

        environment.Annotations.Add(new PipelineStepAnnotation(_ => GkePipelineSteps.Create(environment)));
        return builder.AddResource(environment).WithIconName("Cloud");
    }

    /// <summary>
    /// Adds a node pool to the GKE environment: deploy creates it in the cluster (GPU pools get the driver, the
    /// <c>nvidia.com/gpu</c> taint and autoscaling between <paramref name="minNodes"/> and <paramref name="maxNodes"/>).
    /// vLLM runs on it with <c>WithNodePool</c>; with one pool that is the default.
    /// </summary>
    /// <param name="builder">The environment builder.</param>
    /// <param name="name">The pool's name: at most 31 characters, as GKE's name adds <c>-</c> and an 8-digit configuration hash.</param>
    /// <param name="machineType">The machine type, e.g. <c>g2-standard-16</c>.</param>
    /// <param name="accelerator">The GPU type, e.g. <c>nvidia-l4</c>; <see langword="null"/> for no GPU.</param>
    /// <param name="acceleratorCount">GPUs per node.</param>
    /// <param name="count">The initial node count.</param>
    /// <param name="minNodes">The fewest nodes the cluster autoscaler keeps.</param>
    /// <param name="maxNodes">The most nodes the cluster autoscaler adds.</param>
    /// <param name="bootDiskType">The boot disk type; the image cache disk uses the same.</param>
    /// <returns>The node pool's <see cref="IResourceBuilder{T}"/>.</returns>
    /// <remarks>
    /// A pool's machine type, GPUs, boot disk and image cache cannot change in place, so they are part of its GKE name:
    /// a changed pool is created beside the old one, the pods move, and the old pool is deleted.
    /// </remarks>
    /// <example>
    /// An L4 pool that scales between one and five nodes, each with every image of the model cached:
    /// <code lang="csharp">
    /// var gke = builder.AddGkeEnvironment("gke");
    /// var pool = gke.AddNodePool("vllm-pool", machineType: "g2-standard-16", accelerator: "nvidia-l4", minNodes: 1, maxNodes: 5)
    ///     .WithImageCache();
    /// builder.AddVllm("vllm", image: "vllm/vllm-openai:v0.10.1").WithModel(weights).WithNodePool(pool);
    /// </code>
    /// </example>
    public static IResourceBuilder<GkeNodePoolResource> AddNodePool(this IResourceBuilder<GkeEnvironmentResource> builder, [ResourceName] string name,
        string machineType, string? accelerator = null, int acceleratorCount = 1, int count = 1, int minNodes = 0, int maxNodes = 1,
        string bootDiskType = "pd-ssd")
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(machineType);
        ArgumentException.ThrowIfNullOrEmpty(bootDiskType);
        ArgumentOutOfRangeException.ThrowIfLessThan(acceleratorCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(minNodes);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNodes, Math.Max(1, minNodes));
        ArgumentOutOfRangeException.ThrowIfLessThan(count, minNodes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, maxNodes);
        var pool = new GkeNodePoolResource(name, builder.Resource);
        pool.Annotations.Add(new GkeNodePoolAnnotation
        {
            Name = name,
            MachineType = machineType,
            Accelerator = accelerator,
            AcceleratorCount = accelerator is null ? 0 : acceleratorCount,
            Count = count,
            MinNodes = minNodes,
            MaxNodes = maxNodes,
            BootDiskType = bootDiskType,
        });
        builder.Resource.AddNodePool(pool);
        var applicationBuilder = builder.ApplicationBuilder;

        // As the environment itself: builder-only in run mode.
        return applicationBuilder.ExecutionContext.IsRunMode
            ? applicationBuilder.CreateResourceBuilder(pool)
            : applicationBuilder.AddResource(pool).WithIconName("ServerMultiple").ExcludeFromManifest();
    }

    /// <summary>
    /// Pre-caches every image of the model (vLLM's, the prefetch sidecar's) on a secondary boot disk of the pool's
    /// nodes, with image streaming: a new node starts vLLM without pulling its ~10–25 GB image. Deploy builds the
    /// disk image once, with a builder VM that pulls every image, as gke-disk-image-builder does.
    /// </summary>
    /// <param name="builder">The node pool builder.</param>
    /// <param name="imageName">The disk image name (at most 39 characters); <c>{environment}-image-cache</c> by default.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    /// <example>
    /// <code lang="csharp">
    /// gke.AddNodePool("vllm-pool", machineType: "g2-standard-16", accelerator: "nvidia-l4").WithImageCache();
    /// </code>
    /// </example>
    public static IResourceBuilder<GkeNodePoolResource> WithImageCache(this IResourceBuilder<GkeNodePoolResource> builder, string? imageName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithAnnotation(new GkeImageCacheAnnotation(imageName ?? $"{builder.Resource.Parent.Name}-image-cache"),
            ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>
    /// Keeps <paramref name="nodesPerZone"/> warm GPU nodes in each zone of the pool, so a scale-out does not wait for
    /// GKE to provision a node (the largest single part of a cold start when one is needed: reference/startup-2026.md
    /// [P30]). Published as a PriorityClass with a negative value and, per zone, a Deployment of pause pods that each
    /// request a whole node's GPUs: the cluster autoscaler keeps nodes for them, and a vLLM pod (priority 0) pre-empts
    /// one at once; the evicted placeholder goes pending and the autoscaler brings up a node for it in the background.
    /// <c>aspire do plan</c> shows what the warm nodes cost a month and the seconds they save per scale-out. Publish
    /// checks the pool has GPUs, runs a vLLM, and that its <c>maxNodes</c> holds the vLLM's minimum replicas and the
    /// standby nodes.
    /// </summary>
    /// <param name="builder">The node pool builder.</param>
    /// <param name="nodesPerZone">The warm nodes per zone, at least 1.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    /// <example>
    /// <code lang="csharp">
    /// gke.AddNodePool("vllm-pool", machineType: "g2-standard-16", accelerator: "nvidia-l4", minNodes: 1, maxNodes: 5)
    ///     .WithImageCache()
    ///     .WithStandbyCapacity(nodesPerZone: 1);
    /// </code>
    /// </example>
    public static IResourceBuilder<GkeNodePoolResource> WithStandbyCapacity(this IResourceBuilder<GkeNodePoolResource> builder, int nodesPerZone = 1)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(nodesPerZone, 1);
        return builder.WithAnnotation(new GkeStandbyCapacityAnnotation(nodesPerZone), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>
    /// Chooses the custom-metrics adapter the published HPA reads from: Google's custom-metrics-stackdriver-adapter
    /// over Managed Prometheus (the default), or this project's MetricsAdapterShim, which scrapes the vLLM pods itself
    /// (seconds old, no Google IAM; deploy builds and pushes its image to <c>container-registry</c>).
    /// </summary>
    /// <param name="builder">The environment builder.</param>
    /// <param name="kind">The adapter.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    /// <example>
    /// <code lang="csharp">
    /// builder.AddGkeEnvironment("gke").WithMetricsAdapter(MetricsAdapterKind.VllmAspireShim);
    /// </code>
    /// </example>
    public static IResourceBuilder<GkeEnvironmentResource> WithMetricsAdapter(this IResourceBuilder<GkeEnvironmentResource> builder, MetricsAdapterKind kind)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithAnnotation(new GkeMetricsAdapterAnnotation(kind), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>Sets the Kubernetes namespace of the published workloads (<c>vllm</c> by default).</summary>
    /// <param name="builder">The environment builder.</param>
    /// <param name="namespace">The namespace (DNS-1123 label; publish checks it).</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    /// <example>
    /// <code lang="csharp">
    /// builder.AddGkeEnvironment("gke").WithNamespace("serving");
    /// </code>
    /// </example>
    public static IResourceBuilder<GkeEnvironmentResource> WithNamespace(this IResourceBuilder<GkeEnvironmentResource> builder, string @namespace)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        builder.Resource.Namespace = @namespace;
        return builder;
    }

    // Created here, joining the model only outside run mode; ParameterResourceBuilderExtensions reads Parameters:{name}.
    private static ParameterResource Parameter(IDistributedApplicationBuilder builder, string name, string description)
    {
        var parameter = ParameterResourceBuilderExtensions.CreateParameter(builder, name, secret: false);
        parameter.Description = description;
        return parameter;
    }
}
