using k8s.Models;
using VllmAspire.Contracts.Plan;
using VllmAspire.Contracts.Plan.Compute;
using Aspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Publishing;

/// <summary>The plan's Compute Engine disk images (<c>compute.images.insert</c>, reference/gcp.md §2.4): the image cache and the weights image, each made from a detached disk.</summary>
internal static class ImageRequests
{
    private const string ApiMethod = "compute.images.insert";

    /// <summary>The image-cache disk image, made from the builder's disk once the builder printed its done line.</summary>
    /// <param name="model">The validated publish model.</param>
    /// <param name="cache">The image cache.</param>
    /// <returns>The step.</returns>
    public static GkePlanStep ImageCacheImage(GkePublishModel model, GkeImageCacheAnnotation cache)
    {
        var t = model.Target;
        return Insert(t, GkePlanStepIds.ImageCacheImage,
            $"disk image {cache.ImageName} (CONTAINER_IMAGE_CACHE layout), once the builder printed '{ImageCacheSentinels.Done}' and the disk is detached",
            new Image
            {
                Name = cache.ImageName,
                SourceDisk = DiskRequests.Path(t, t.Zone, DiskRequests.Name(cache)),
                Family = $"{model.Environment.Name}-image-cache",
                Labels = GkePlanBuilder.CloudLabels(t, model.Environment.Name),
            },
            new GkePlanDependencies { Steps = [GkePlanStepIds.ImageCacheBuilder] });
    }

    /// <summary>The weights image, made from the bake disk once the bake Job completed.</summary>
    /// <param name="t">The target.</param>
    /// <param name="w">The workload.</param>
    /// <returns>The step.</returns>
    public static GkePlanStep WeightsImage(GkeTarget t, GkeWorkload w) =>
        Insert(t, GkePlanStepIds.WeightsImage(w), $"weights image {w.WeightsImageName}, once Job {t.Namespace}/{w.BakeName} completed and the disk is detached",
            new Image
            {
                Name = w.WeightsImageName,
                SourceDisk = DiskRequests.Path(t, t.Zone, w.BakeName),
                Labels = GkePlanBuilder.WeightsLabels(t, w),
            },
            new GkePlanDependencies
            {
                Steps = [GkePlanStepIds.BakeDisk(w), GkePlanStepIds.ProjectIam],
                KubernetesObjects = [GkePlanBuilder.KubernetesObject(V1Job.KubeKind, t.Namespace, w.BakeName)],
            });

    /// <summary>Gets the weights image's path, as the weights disks name their source.</summary>
    /// <param name="t">The target.</param>
    /// <param name="w">The workload.</param>
    /// <returns>E.g. <c>projects/P/global/images/NAME</c>.</returns>
    public static string WeightsImagePath(GkeTarget t, GkeWorkload w) => Path(t, w.WeightsImageName);

    /// <summary>Gets an image's path.</summary>
    /// <param name="t">The target.</param>
    /// <param name="name">The image's name.</param>
    /// <returns>E.g. <c>projects/P/global/images/NAME</c>.</returns>
    public static string Path(GkeTarget t, string name) => $"projects/{t.Project}/global/images/{name}";

    private static GkePlanStep Insert(GkeTarget t, string id, string description, Image image, GkePlanDependencies dependsOn) =>
        GkePlanBuilder.ComputeInsert(t, id, description, ApiMethod, $"projects/{t.Project}/global/images", GcpRequestJson.ToBody(image), dependsOn);
}
