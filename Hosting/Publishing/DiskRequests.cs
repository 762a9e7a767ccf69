using k8s.Models;
using VllmAspire.Contracts.Plan;
using VllmAspire.Contracts.Plan.Compute;
using Aspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Publishing;

/// <summary>The plan's Compute Engine disks (<c>compute.disks.insert</c>, reference/gcp.md §2.3): the image cache's empty disk, the bake disk and the per-zone weights disks.</summary>
internal static class DiskRequests
{
    private const string ApiMethod = "compute.disks.insert";

    /// <summary>The empty disk the image-cache builder VM unpacks the images into; of the first pool's boot disk type, which the nodes' secondary disk takes.</summary>
    /// <param name="model">The validated publish model.</param>
    /// <param name="cache">The image cache.</param>
    /// <returns>The step.</returns>
    public static GkePlanStep ImageCacheDisk(GkePublishModel model, GkeImageCacheAnnotation cache)
    {
        var t = model.Target;
        var diskType = model.Environment.NodePools.FirstOrDefault()?.BootDiskType ?? "pd-ssd";
        return Insert(t, GkePlanStepIds.ImageCacheDisk, $"empty {diskType} disk the builder VM unpacks the images into", t.Zone, new Disk
        {
            Name = Name(cache),
            SizeGb = cache.DiskSizeGb,
            Type = DiskType(t, t.Zone, diskType),
            Labels = GkePlanBuilder.CloudLabels(t, model.Environment.Name),
        });
    }

    /// <summary>The writable disk the bake Job copies the weights into, in the primary zone; its PersistentVolume waits for it.</summary>
    /// <param name="t">The target.</param>
    /// <param name="w">The workload.</param>
    /// <returns>The step.</returns>
    public static GkePlanStep BakeDisk(GkeTarget t, GkeWorkload w) =>
        Insert(t, GkePlanStepIds.BakeDisk(w), $"writable {w.Disk.DiskType} disk the bake Job copies {w.Weights.Source} into", t.Zone, new Disk
        {
            Name = w.BakeName,
            SizeGb = w.BakeDiskSizeGb,
            Type = DiskType(t, t.Zone, w.Disk.DiskType),
            Labels = GkePlanBuilder.WeightsLabels(t, w),
        },
        requiredBy: [GkePlanBuilder.KubernetesObject(V1PersistentVolume.KubeKind, null, w.BakeName)]);

    /// <summary>A zone's read-only weights disk, made from the weights image; the zone's PersistentVolume waits for it.</summary>
    /// <param name="t">The target.</param>
    /// <param name="w">The workload.</param>
    /// <param name="zone">The zone.</param>
    /// <returns>The step.</returns>
    public static GkePlanStep WeightsDisk(GkeTarget t, GkeWorkload w, string zone) =>
        Insert(t, GkePlanStepIds.WeightsDisk(w, zone), $"read-only {w.Disk.DiskType} weights disk in {zone}, {w.Disk.SizeGb} GB", zone, new Disk
        {
            Name = w.WeightsVolumeName(zone),
            SizeGb = w.Disk.SizeGb,
            Type = DiskType(t, zone, w.Disk.DiskType),
            SourceImage = ImageRequests.WeightsImagePath(t, w),
            Labels = GkePlanBuilder.WeightsLabels(t, w),
        },
        new GkePlanDependencies { Steps = [GkePlanStepIds.WeightsImage(w)] },
        [GkePlanBuilder.KubernetesObject(V1PersistentVolume.KubeKind, null, w.WeightsVolumeName(zone))]);

    /// <summary>Gets the image cache's disk name.</summary>
    /// <param name="cache">The image cache.</param>
    /// <returns>The name.</returns>
    public static string Name(GkeImageCacheAnnotation cache) => $"{cache.ImageName}-disk";

    /// <summary>Gets a disk's path, as images and VMs name their source disk.</summary>
    /// <param name="t">The target.</param>
    /// <param name="zone">The disk's zone.</param>
    /// <param name="name">The disk's name.</param>
    /// <returns>E.g. <c>projects/P/zones/Z/disks/D</c>.</returns>
    public static string Path(GkeTarget t, string zone, string name) => $"projects/{t.Project}/zones/{zone}/disks/{name}";

    /// <summary>Gets a disk type's path.</summary>
    /// <param name="t">The target.</param>
    /// <param name="zone">The zone.</param>
    /// <param name="type">The type, e.g. <c>pd-ssd</c>.</param>
    /// <returns>E.g. <c>projects/P/zones/Z/diskTypes/pd-ssd</c>.</returns>
    public static string DiskType(GkeTarget t, string zone, string type) => $"projects/{t.Project}/zones/{zone}/diskTypes/{type}";

    private static GkePlanStep Insert(GkeTarget t, string id, string description, string zone, Disk disk, GkePlanDependencies? dependsOn = null,
        IReadOnlyList<GkePlanKubernetesObject>? requiredBy = null) =>
        GkePlanBuilder.ComputeInsert(t, id, description, ApiMethod, $"projects/{t.Project}/zones/{zone}/disks", GcpRequestJson.ToBody(disk), dependsOn, requiredBy);
}
