namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A GKE node pool of a <see cref="GkeEnvironmentResource"/>: created by deploy with its machine type, GPUs and
/// autoscaling limits (<see cref="GkeNodePoolAnnotation"/>), optionally with the image cache on a secondary boot disk
/// (<see cref="GkeImageCacheAnnotation"/>) and warm standby nodes (<see cref="GkeStandbyCapacityAnnotation"/>). vLLM workloads run on the pool they name with <c>WithNodePool</c>.
/// </summary>
/// <param name="name">The pool's name; its GKE name adds a hash of its configuration.</param>
/// <param name="environment">The GKE environment the pool belongs to.</param>
public sealed class GkeNodePoolResource(string name, GkeEnvironmentResource environment) : Resource(name), IResourceWithParent<GkeEnvironmentResource>
{
    /// <summary>Gets the GKE environment the pool belongs to.</summary>
    public GkeEnvironmentResource Parent { get; } = environment ?? throw new ArgumentNullException(nameof(environment));

    /// <summary>Gets the pool's configuration, set by <c>AddNodePool</c>.</summary>
    public GkeNodePoolAnnotation Configuration => this.TryGetLastAnnotation<GkeNodePoolAnnotation>(out var configuration)
        ? configuration
        : throw new InvalidOperationException($"Node pool '{Name}' has no configuration: create it with AddNodePool.");

    /// <summary>Gets the image cache its nodes mount, set by <c>WithImageCache</c>, or <see langword="null"/>.</summary>
    public GkeImageCacheAnnotation? ImageCache => this.TryGetLastAnnotation<GkeImageCacheAnnotation>(out var cache) ? cache : null;

    /// <summary>Gets the warm capacity the pool keeps, set by <c>WithStandbyCapacity</c>, or <see langword="null"/>.</summary>
    public GkeStandbyCapacityAnnotation? StandbyCapacity => this.TryGetLastAnnotation<GkeStandbyCapacityAnnotation>(out var standby) ? standby : null;
}
