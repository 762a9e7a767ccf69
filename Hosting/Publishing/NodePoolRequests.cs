using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;
using VllmAspire.Contracts.Plan;
using VllmAspire.Contracts.Plan.Container;
using Aspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Publishing;

/// <summary>
/// The plan's GKE node pools (<c>nodePools.create</c>, reference/gcp.md §1.2): GPUs, the image-cache secondary boot
/// disk with image streaming, Workload Identity's metadata server, and a name carrying a hash of what cannot change.
/// </summary>
internal static class NodePoolRequests
{
    // The node configuration fields GKE cannot change on an existing pool (gcp.md §1.2, §1.5): a change needs a new pool.
    private static readonly string[] ImmutableNodeConfigFields =
        ["machineType", "imageType", "diskType", "diskSizeGb", "accelerators", "secondaryBootDisks", "oauthScopes", "serviceAccount", "spot", "preemptible"];

    /// <summary>A pool; the Deployments placed on it (vLLM's and the standby placeholders), and the bake Jobs whose compile-cache warm-up runs there, wait for it.</summary>
    /// <param name="model">The validated publish model.</param>
    /// <param name="pool">The declared pool.</param>
    /// <param name="cacheImage">The image-cache disk image's name, or <see langword="null"/> without an image cache.</param>
    /// <returns>The step.</returns>
    public static GkePlanStep Create(GkePublishModel model, GkeNodePoolAnnotation pool, string? cacheImage)
    {
        var t = model.Target;
        var name = Name(t, pool, cacheImage);
        var request = new CreateNodePoolRequest
        {
            NodePool = new NodePool
            {
                Name = name,
                InitialNodeCount = pool.Count,
                Locations = t.Zones,
                Autoscaling = new NodePoolAutoscaling { Enabled = true, TotalMinNodeCount = pool.MinNodes, TotalMaxNodeCount = pool.MaxNodes, LocationPolicy = "ANY" },
                Management = new NodeManagement { AutoRepair = true, AutoUpgrade = true },
                Config = Config(t, pool, cacheImage, GkePlanBuilder.CloudLabels(t, model.Environment.Name)),
            },
        };
        var workloads = model.Workloads.Where(w => w.NodePool.Name == pool.Name).ToList();
        var deployments = workloads.SelectMany(w => t.Zones.Select(zone => GkePlanBuilder.KubernetesObject(V1Deployment.KubeKind, t.Namespace, w.DeploymentName(t, zone))));
        // With the compile cache the bake Job's warm-up runs vLLM on this pool.
        var bakes = workloads.Where(w => w.CompileCache).Select(w => GkePlanBuilder.KubernetesObject(V1Job.KubeKind, t.Namespace, w.BakeName));
        var placeholders = model.Environment.NodePoolResources.Any(p => p.Name == pool.Name && p.StandbyCapacity is not null)
            ? t.Zones.Select(zone => GkePlanBuilder.KubernetesObject(V1Deployment.KubeKind, t.Namespace, StandbyCapacityManifests.DeploymentName(t, pool.Name, zone)))
            : [];
        return new GkePlanStep
        {
            Id = GkePlanStepIds.NodePool(pool),
            Description = $"node pool {name}: {pool.MachineType}" + (pool.Accelerator is null ? "" : $" with {pool.AcceleratorCount}× {pool.Accelerator}") +
                (cacheImage is null ? "" : $", image cache {cacheImage}"),
            DependsOn = cacheImage is null ? GkePlanDependencies.None : new GkePlanDependencies { Steps = [GkePlanStepIds.ImageCacheImage] },
            RequiredBy = [.. deployments, .. bakes, .. placeholders],
            ApiMethod = "container.projects.locations.clusters.nodePools.create",
            HttpMethod = "POST",
            Url = $"{GkePlanBuilder.ContainerBaseUrl}v1/projects/{t.Project}/locations/{t.Location}/clusters/{t.Cluster}/nodePools",
            Body = GcpRequestJson.ToBody(request),
        };
    }

    /// <summary>Gets a pool's GKE name: see <see cref="GkePlanBuilder.NodePoolName"/>.</summary>
    /// <param name="target">The GKE target.</param>
    /// <param name="pool">The declared pool.</param>
    /// <param name="cacheImage">The image-cache disk image's name, or <see langword="null"/>.</param>
    /// <returns>The name, e.g. <c>vllm-pool-3f2a9c1e</c>.</returns>
    public static string Name(GkeTarget target, GkeNodePoolAnnotation pool, string? cacheImage)
    {
        // The hash reads the immutable fields of the configuration as the API gets them, in a fixed order.
        var config = GcpRequestJson.ToBody(Config(target, pool, cacheImage, resourceLabels: null));
        var immutable = new JsonObject();
        foreach (var field in ImmutableNodeConfigFields)
        {
            if (config[field] is { } value)
            {
                immutable[field] = value.DeepClone();
            }
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(immutable.ToJsonString())))[..GkePlanBuilder.NodePoolHashLength];
        return $"{pool.Name}-{hash}";
    }

    private static NodeConfig Config(GkeTarget t, GkeNodePoolAnnotation pool, string? cacheImage, IReadOnlyDictionary<string, string>? resourceLabels) => new()
    {
        MachineType = pool.MachineType,
        ImageType = "COS_CONTAINERD",
        DiskType = pool.BootDiskType,
        DiskSizeGb = pool.BootDiskSizeGb,
        OauthScopes = [GkePlanBuilder.CloudPlatformScope],
        WorkloadMetadataConfig = new WorkloadMetadataConfig { Mode = "GKE_METADATA" },
        ResourceLabels = resourceLabels,
        Accelerators = pool.Accelerator is { } accelerator
            ? [new AcceleratorConfig { AcceleratorCount = pool.AcceleratorCount, AcceleratorType = accelerator, GpuDriverInstallationConfig = new GpuDriverInstallationConfig { GpuDriverVersion = "LATEST" } }]
            : null,
        // GKE adds this taint only when the cluster also has a non-GPU pool (gcp.md §5.5): set it always.
        Taints = pool.Accelerator is null ? null : [new NodeTaint { Key = "nvidia.com/gpu", Value = "present", Effect = "NO_SCHEDULE" }],
        // Secondary boot disks need image streaming (gcp.md §1.5).
        GcfsConfig = cacheImage is null ? null : new GcfsConfig { Enabled = true },
        SecondaryBootDisks = cacheImage is null ? null : [new SecondaryBootDisk { DiskImage = ImageRequests.Path(t, cacheImage), Mode = SecondaryBootDisk.ContainerImageCacheMode }],
    };
}
