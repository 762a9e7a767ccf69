using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using VllmAspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Cli;
using VllmAspire.Hosting.Planning;
using VllmAspire.Hosting.Publishing;

namespace VllmAspire.Hosting;

/// <summary>Adds a GKE environment: the target of <c>publish</c>, <c>plan</c> and <c>deploy</c>.</summary>
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

    /// <summary>The parameter with the Artifact Registry repository of our own images (the prefetch sidecar's).</summary>
    public const string ContainerRegistryParameterName = "container-registry";

    /// <summary>
    /// Adds a GKE environment and the <c>publish</c> and <c>plan</c> verbs. Its parameters (<c>gcp-project</c>,
    /// <c>gcp-location</c>, <c>gcp-zone</c>, <c>gke-cluster</c>) are read only when publishing; in run mode neither
    /// the environment nor its parameters join the model, so a local run never needs cloud settings.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<GkeEnvironmentResource> AddGkeEnvironment(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        ParameterResource Parameter(string parameterName, string description) =>
            new(parameterName, () => configuration[$"Parameters:{parameterName}"]) { Description = description };

        var environment = new GkeEnvironmentResource(name,
            Parameter(ProjectParameterName, "the GCP project ID"),
            Parameter(LocationParameterName, "the cluster's location, a region such as us-central1 or a zone"),
            Parameter(ZoneParameterName, "the zone of the GPU nodes and the weights disk, inside the cluster's location, or a comma-separated list of zones (one weights disk and Deployment each)"),
            Parameter(ClusterParameterName, "the GKE cluster name"))
        {
            ContainerRegistry = Parameter(ContainerRegistryParameterName,
                "the Artifact Registry repository, REGION-docker.pkg.dev/PROJECT/REPO, that deploy pushes the Provisioner's image to for the prefetch sidecar"),
        };

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAppHostCommand, PublishCommand>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAppHostCommand, PlanCommand>());
        if (builder.ExecutionContext.IsRunMode)
        {
            // As Aspire's compute environments: builder-only in run mode.
            return builder.CreateResourceBuilder(environment);
        }

        builder.AddResource(environment.Project);
        builder.AddResource(environment.Location);
        builder.AddResource(environment.Zone);
        builder.AddResource(environment.Cluster);
        builder.AddResource(environment.ContainerRegistry!);
        return builder.AddResource(environment);
    }

    /// <summary>Adds a node pool (GPU pools get the driver, the <c>nvidia.com/gpu</c> taint and autoscaling).</summary>
    /// <param name="builder">The environment builder.</param>
    /// <param name="name">The pool name.</param>
    /// <param name="machineType">The machine type, e.g. <c>g2-standard-16</c>.</param>
    /// <param name="accelerator">The GPU type, e.g. <c>nvidia-l4</c>; <see langword="null"/> for no GPU.</param>
    /// <param name="acceleratorCount">GPUs per node.</param>
    /// <param name="count">The initial node count.</param>
    /// <param name="minNodes">The fewest nodes.</param>
    /// <param name="maxNodes">The most nodes.</param>
    /// <param name="bootDiskType">The boot disk type; the image cache disk uses the same.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<GkeEnvironmentResource> WithNodePool(this IResourceBuilder<GkeEnvironmentResource> builder, string name,
        string machineType, string? accelerator = null, int acceleratorCount = 1, int count = 1, int minNodes = 0, int maxNodes = 1,
        string bootDiskType = "pd-ssd")
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(machineType);
        return builder.WithAnnotation(new GkeNodePoolAnnotation
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
    }

    /// <summary>Pre-caches every image of the model on a secondary boot disk of the node pools (with image streaming).</summary>
    /// <param name="builder">The environment builder.</param>
    /// <param name="imageName">The disk image name (≤ 39 characters); <c>{environment}-image-cache</c> by default.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<GkeEnvironmentResource> WithImageCache(this IResourceBuilder<GkeEnvironmentResource> builder, string? imageName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithAnnotation(new GkeImageCacheAnnotation(imageName ?? $"{builder.Resource.Name}-image-cache"),
            ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>Chooses the custom-metrics adapter the published HPA reads from.</summary>
    /// <param name="builder">The environment builder.</param>
    /// <param name="kind">The adapter.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<GkeEnvironmentResource> WithMetricsAdapter(this IResourceBuilder<GkeEnvironmentResource> builder, MetricsAdapterKind kind)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithAnnotation(new GkeMetricsAdapterAnnotation(kind), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>Sets the Kubernetes namespace of the published workloads.</summary>
    /// <param name="builder">The environment builder.</param>
    /// <param name="namespace">The namespace (DNS-1123 label).</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<GkeEnvironmentResource> WithNamespace(this IResourceBuilder<GkeEnvironmentResource> builder, string @namespace)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        builder.Resource.Namespace = @namespace;
        return builder;
    }
}
