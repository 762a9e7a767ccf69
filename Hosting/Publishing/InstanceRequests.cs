using VllmAspire.Contracts.Plan;
using VllmAspire.Contracts.Plan.Compute;
using Aspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Publishing;

/// <summary>
/// The plan's Compute Engine VM (<c>compute.instances.insert</c>, reference/gcp.md §2.5): the temporary image-cache
/// builder, which pulls every image of the model onto the cache disk as gke-disk-image-builder does (§3).
/// </summary>
internal static class InstanceRequests
{
    /// <summary>The name the cache disk is attached under, as gke-disk-image-builder names it; the startup script finds it by this name.</summary>
    public const string CacheDeviceName = "secondary-disk-image-disk";

    private const string ApiMethod = "compute.instances.insert";

    /// <summary>The builder VM: a Debian boot disk, the cache disk (kept when the VM is deleted), an external IP to reach registries, and the startup script.</summary>
    /// <param name="model">The validated publish model.</param>
    /// <param name="cache">The image cache.</param>
    /// <param name="containerImages">The images of ours deploy pushes: the VM waits for those it pulls.</param>
    /// <returns>The step.</returns>
    public static GkePlanStep ImageCacheBuilder(GkePublishModel model, GkeImageCacheAnnotation cache, IReadOnlyList<GkePlanContainerImage> containerImages)
    {
        var t = model.Target;
        // Every image the nodes run: vLLM's and the prefetch sidecar's.
        var images = model.Workloads.SelectMany(w => w.PrefetchImage is { } sidecar ? new[] { w.Image, sidecar } : [w.Image])
            .Select(FullReference).Distinct().Order(StringComparer.Ordinal).ToList();
        var ours = containerImages.Select(i => i.Reference).Where(images.Contains).ToList();
        var pushFirst = ours.Count == 0 ? "" : $"; deploy pushes {string.Join(", ", ours)} first";
        var instance = new Instance
        {
            Name = $"{cache.ImageName}-builder",
            MachineType = $"zones/{t.Zone}/machineTypes/n2-standard-16",
            Disks =
            [
                new AttachedDisk
                {
                    Boot = true, AutoDelete = true, Type = "PERSISTENT", Mode = "READ_WRITE", DeviceName = "boot",
                    InitializeParams = new AttachedDiskInitializeParams
                    {
                        DiskSizeGb = 60,
                        DiskType = DiskRequests.DiskType(t, t.Zone, "pd-ssd"),
                        SourceImage = "projects/debian-cloud/global/images/family/debian-12",
                    },
                },
                // Not deleted with the VM: deleting the VM is how the disk gets detached before it is imaged.
                new AttachedDisk
                {
                    Boot = false, AutoDelete = false, Type = "PERSISTENT", Mode = "READ_WRITE", DeviceName = CacheDeviceName,
                    Source = DiskRequests.Path(t, t.Zone, DiskRequests.Name(cache)),
                },
            ],
            NetworkInterfaces =
            [
                new NetworkInterface
                {
                    Network = $"projects/{t.Project}/global/networks/default",
                    Subnetwork = $"projects/{t.Project}/regions/{t.Region}/subnetworks/default",
                    AccessConfigs = [new AccessConfig { Type = "ONE_TO_ONE_NAT", Name = "External NAT" }],
                },
            ],
            ServiceAccounts = [new ServiceAccount { Email = "default", Scopes = [GkePlanBuilder.CloudPlatformScope] }],
            Metadata = new Metadata { Items = [new MetadataItem { Key = "startup-script", Value = ImageCacheStartupScript.Render(images, CacheDeviceName) }] },
            Labels = GkePlanBuilder.CloudLabels(t, model.Environment.Name),
        };
        return GkePlanBuilder.ComputeInsert(t, GkePlanStepIds.ImageCacheBuilder,
            $"temporary VM that pulls {string.Join(", ", images)} into the cache disk (deleted after the image is made){pushFirst}",
            ApiMethod, $"projects/{t.Project}/zones/{t.Zone}/instances", GcpRequestJson.ToBody(instance),
            new GkePlanDependencies { Steps = [GkePlanStepIds.ImageCacheDisk], ContainerImages = ours });
    }

    // containerd pulls by full reference; Docker Hub's short forms get their registry and library/ namespace.
    private static string FullReference(string image)
    {
        var firstSegment = image.Split('/')[0];
        var hasRegistry = image.Contains('/', StringComparison.Ordinal) && (firstSegment.Contains('.', StringComparison.Ordinal) || firstSegment.Contains(':', StringComparison.Ordinal));
        return hasRegistry ? image : image.Contains('/', StringComparison.Ordinal) ? $"docker.io/{image}" : $"docker.io/library/{image}";
    }
}
