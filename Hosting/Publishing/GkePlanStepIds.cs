using Aspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Publishing;

/// <summary>
/// The IDs of the GKE plan's steps. Deploy names its stages after them, and the weights steps carry the weights
/// version, so a new version's steps (and their request IDs) are new ones.
/// </summary>
internal static class GkePlanStepIds
{
    /// <summary>The image cache's empty disk.</summary>
    public const string ImageCacheDisk = "image-cache-disk";

    /// <summary>The image cache's builder VM.</summary>
    public const string ImageCacheBuilder = "image-cache-builder";

    /// <summary>The image cache's disk image.</summary>
    public const string ImageCacheImage = "image-cache-image";

    /// <summary>The project's IAM bindings.</summary>
    public const string ProjectIam = "project-iam";

    /// <summary>A node pool.</summary>
    /// <param name="pool">The declared pool.</param>
    /// <returns>The ID.</returns>
    public static string NodePool(GkeNodePoolAnnotation pool) => $"node-pool-{pool.Name}";

    /// <summary>The disk the bake Job writes.</summary>
    /// <param name="workload">The workload.</param>
    /// <returns>The ID.</returns>
    public static string BakeDisk(GkeWorkload workload) => $"{Weights(workload)}-bake-disk";

    /// <summary>The weights image made from the bake disk.</summary>
    /// <param name="workload">The workload.</param>
    /// <returns>The ID.</returns>
    public static string WeightsImage(GkeWorkload workload) => $"{Weights(workload)}-image";

    /// <summary>The read-only weights disk of a zone.</summary>
    /// <param name="workload">The workload.</param>
    /// <param name="zone">The zone.</param>
    /// <returns>The ID.</returns>
    public static string WeightsDisk(GkeWorkload workload, string zone) => $"{Weights(workload)}-disk-{zone}";

    private static string Weights(GkeWorkload workload) => $"{workload.Weights.Name}-{workload.WeightsVersion}";
}
