using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using VllmAspire.Contracts.Plan;
using Aspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Publishing;

/// <summary>
/// Builds the GKE plan: the image-cache disk image and its builder VM, the node pools, the IAM bindings, the weights
/// disk image and the per-zone disks, each with the REST request of reference/gcp.md that creates it (typed, one
/// builder per REST resource: <see cref="DiskRequests"/>, <see cref="ImageRequests"/>, <see cref="InstanceRequests"/>,
/// <see cref="NodePoolRequests"/>, <see cref="IamPolicyRequests"/>) and its edges in the deployment's graph: the steps,
/// images and Kubernetes objects it waits for, and the Kubernetes objects that wait for it.
/// </summary>
public static class GkePlanBuilder
{
    /// <summary>The Compute Engine API base URL.</summary>
    public const string ComputeBaseUrl = "https://compute.googleapis.com/compute/v1/";

    /// <summary>The GKE API base URL.</summary>
    public const string ContainerBaseUrl = "https://container.googleapis.com/";

    /// <summary>The Cloud Resource Manager API base URL.</summary>
    public const string ResourceManagerBaseUrl = "https://cloudresourcemanager.googleapis.com/";

    /// <summary>The hex digits of the configuration hash a node pool's GKE name ends with.</summary>
    public const int NodePoolHashLength = 8;

    /// <summary>GKE's limit on node pool names.</summary>
    public const int MaxNodePoolNameLength = 40;

    /// <summary>The longest pool name <c>WithNodePool</c> takes: room is left for <c>-</c> and the configuration hash.</summary>
    public const int MaxNodePoolBaseNameLength = MaxNodePoolNameLength - 1 - NodePoolHashLength;

    /// <summary>The OAuth scope of the VMs and nodes the plan creates; IAM decides what they may do.</summary>
    internal const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

    /// <summary>Builds the plan.</summary>
    /// <param name="model">The validated publish model.</param>
    /// <returns>The plan.</returns>
    public static GkePlan Build(GkePublishModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var t = model.Target;
        var containerImages = ContainerImages(model);
        var steps = new List<GkePlanStep>();
        var cache = model.Environment.ImageCache;
        if (cache is not null)
        {
            steps.Add(DiskRequests.ImageCacheDisk(model, cache));
            steps.Add(InstanceRequests.ImageCacheBuilder(model, cache, containerImages));
            steps.Add(ImageRequests.ImageCacheImage(model, cache));
        }

        steps.AddRange(model.Environment.NodePools.Select(pool => NodePoolRequests.Create(model, pool, cache?.ImageName)));

        // IAM before the weights: the bake Job needs its Cloud Storage grant before it runs.
        if (model.Workloads.Count > 0)
        {
            steps.Add(IamPolicyRequests.ProjectIam(model));
        }

        foreach (var w in model.Workloads)
        {
            steps.Add(DiskRequests.BakeDisk(t, w));
            steps.Add(ImageRequests.WeightsImage(t, w));
            steps.AddRange(t.Zones.Select(zone => DiskRequests.WeightsDisk(t, w, zone)));
        }

        return new GkePlan { Project = t.Project, Location = t.Location, Cluster = t.Cluster, Steps = steps, ContainerImages = containerImages };
    }

    /// <summary>Gets the images of ours that deploy builds from source and pushes: the prefetch sidecar's (the Provisioner) and our metrics adapter's.</summary>
    /// <param name="model">The validated publish model.</param>
    /// <returns>The images, the Provisioner's first.</returns>
    internal static IReadOnlyList<GkePlanContainerImage> ContainerImages(GkePublishModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Settings.ContainerRegistry is not { HasValue: true } registry)
        {
            return [];
        }

        var images = new List<GkePlanContainerImage>();
        if (model.Workloads.Any(w => w.PrefetchImage is not null))
        {
            images.Add(new() { Reference = ProvisionerContainerImage.Reference(registry.Required), Project = ProvisionerContainerImage.Project });
        }

        if (model.Environment.MetricsAdapter == MetricsAdapterKind.VllmAspireShim)
        {
            images.Add(new() { Reference = ShimMetricsAdapterManifests.ImageReference(registry.Required), Project = ShimMetricsAdapterManifests.Project });
        }

        return images;
    }

    /// <summary>
    /// Gets the GKE name of a node pool: the declared name, <c>-</c> and the first <see cref="NodePoolHashLength"/> hex
    /// digits of SHA-256 over the node configuration fields that cannot be updated in place (machine type, boot disk,
    /// accelerators, image type, secondary boot disk image…). A change to any of them gives a new pool name, so deploy
    /// creates the new pool beside the old one, the Deployments (which select the pool by this name) move onto it, and
    /// the prune after the rollout deletes the old pool.
    /// </summary>
    /// <param name="target">The GKE target.</param>
    /// <param name="pool">The declared pool.</param>
    /// <param name="cacheImage">The image-cache disk image's name, or <see langword="null"/> without an image cache.</param>
    /// <returns>The pool's name in GKE, e.g. <c>vllm-pool-3f2a9c1e</c>.</returns>
    public static string NodePoolName(GkeTarget target, GkeNodePoolAnnotation pool, string? cacheImage)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(pool);
        return NodePoolRequests.Name(target, pool, cacheImage);
    }

    /// <summary>Gets a stable, non-zero UUID for a step of a project.</summary>
    /// <param name="project">The project.</param>
    /// <param name="stepId">The step.</param>
    /// <returns>The UUID.</returns>
    public static Guid RequestId(string project, string stepId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"vllm-aspire/{project}/{stepId}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50); // version 5 (name-based)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes);
    }

    /// <summary>A Compute Engine insert step: a POST to the collection with a request ID derived from the project and step.</summary>
    /// <param name="t">The target.</param>
    /// <param name="id">The step ID.</param>
    /// <param name="description">What it creates.</param>
    /// <param name="apiMethod">The discovery method, e.g. <c>compute.disks.insert</c>.</param>
    /// <param name="collection">The collection path, e.g. <c>projects/P/zones/Z/disks</c>.</param>
    /// <param name="body">The typed request, as JSON.</param>
    /// <param name="dependsOn">What it waits for.</param>
    /// <param name="requiredBy">The Kubernetes objects that wait for it.</param>
    /// <returns>The step.</returns>
    internal static GkePlanStep ComputeInsert(GkeTarget t, string id, string description, string apiMethod, string collection, JsonObject body,
        GkePlanDependencies? dependsOn = null, IReadOnlyList<GkePlanKubernetesObject>? requiredBy = null) => new()
    {
        Id = id,
        Description = description,
        DependsOn = dependsOn ?? GkePlanDependencies.None,
        RequiredBy = requiredBy ?? [],
        ApiMethod = apiMethod,
        HttpMethod = "POST",
        // A request ID derived from the project and step makes a retried or repeated insert idempotent (gcp.md §8).
        Url = $"{ComputeBaseUrl}{collection}?requestId={RequestId(t.Project, id)}",
        Body = body,
    };

    /// <summary>Gets the GCE labels of an object of the app: <see cref="KubernetesLabels.ForCloud"/>.</summary>
    /// <param name="t">The target (its namespace names the app).</param>
    /// <param name="resource">The model resource the object belongs to.</param>
    /// <returns>The labels.</returns>
    internal static Dictionary<string, string> CloudLabels(GkeTarget t, string resource) => KubernetesLabels.ForCloud(t.Namespace, resource);

    /// <summary>Gets the GCE labels of an object holding a workload's weights: <see cref="CloudLabels"/> and the weights version.</summary>
    /// <param name="t">The target.</param>
    /// <param name="w">The workload.</param>
    /// <returns>The labels.</returns>
    internal static Dictionary<string, string> WeightsLabels(GkeTarget t, GkeWorkload w)
    {
        var labels = CloudLabels(t, w.Weights.Name);
        labels[KubernetesLabels.WeightsVersionCloudLabel] = w.WeightsVersion;
        return labels;
    }

    /// <summary>Names a published Kubernetes object in a plan step's edges.</summary>
    /// <param name="kind">Its kind.</param>
    /// <param name="namespace">Its namespace, or <see langword="null"/> when cluster-scoped.</param>
    /// <param name="name">Its name.</param>
    /// <returns>The reference.</returns>
    internal static GkePlanKubernetesObject KubernetesObject(string kind, string? @namespace, string name) => new() { Kind = kind, Namespace = @namespace, Name = name };
}
