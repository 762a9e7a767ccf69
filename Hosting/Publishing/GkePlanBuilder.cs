using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text;
using VllmAspire.Contracts.Plan;
using Aspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Publishing;

/// <summary>
/// Builds the GKE plan: the image-cache disk image and its builder VM, the node pools, the weights disk image and
/// the per-zone disks, and the IAM bindings, each with the REST request of reference/gcp.md that creates it.
/// </summary>
public static class GkePlanBuilder
{
    /// <summary>The Compute Engine API base URL.</summary>
    public const string ComputeBaseUrl = "https://compute.googleapis.com/compute/v1/";

    /// <summary>The GKE API base URL.</summary>
    public const string ContainerBaseUrl = "https://container.googleapis.com/";

    /// <summary>The Cloud Resource Manager API base URL.</summary>
    public const string ResourceManagerBaseUrl = "https://cloudresourcemanager.googleapis.com/";

    /// <summary>The line the image-cache builder VM prints on its serial port when the cache disk is complete.</summary>
    public const string ImageCacheDoneSentinel = ImageCacheSentinels.Done;

    /// <summary>The line the builder VM prints when pulling an image fails.</summary>
    public const string ImageCacheFailedSentinel = ImageCacheSentinels.Failed;

    private const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

    /// <summary>Builds the plan.</summary>
    /// <param name="model">The validated publish model.</param>
    /// <returns>The plan.</returns>
    public static GkePlan Build(GkePublishModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var t = model.Target;
        var app = t.Namespace;
        var steps = new List<GkePlanStep>();
        string? cacheImage = null;
        var containerImages = ContainerImages(model);

        if (model.Environment.ImageCache is { } cache)
        {
            cacheImage = cache.ImageName;
            // Every image the nodes run: vLLM's and the prefetch sidecar's (pushed by deploy before this builder runs).
            var images = model.Workloads.SelectMany(w => w.PrefetchImage is { } sidecar ? new[] { w.Image, sidecar } : [w.Image])
                .Select(FullReference).Distinct().Order(StringComparer.Ordinal).ToList();
            var pool = model.Environment.NodePools.FirstOrDefault();
            var diskType = pool?.BootDiskType ?? "pd-ssd";
            var disk = $"{cache.ImageName}-disk";
            var vm = $"{cache.ImageName}-builder";
            steps.Add(ComputeInsert(t, "image-cache-disk", $"empty {diskType} disk the builder VM unpacks the images into", "compute.disks.insert",
                $"projects/{t.Project}/zones/{t.Zone}/disks", [], new JsonObject
                {
                    ["name"] = disk,
                    ["sizeGb"] = cache.DiskSizeGb.ToString(CultureInfo.InvariantCulture),
                    ["type"] = $"projects/{t.Project}/zones/{t.Zone}/diskTypes/{diskType}",
                    ["labels"] = Labels(app, model.Environment.Name),
                }));
            // Images deploy builds and pushes: the builder VM waits for their stages (dependsOn names their references).
            var ours = containerImages.Select(i => i.Reference).Where(images.Contains).ToList();
            var pushFirst = ours.Count == 0 ? "" : $"; deploy pushes {string.Join(", ", ours)} first";
            steps.Add(ComputeInsert(t, "image-cache-builder", $"temporary VM that pulls {string.Join(", ", images)} into the cache disk (deleted after the image is made){pushFirst}",
                "compute.instances.insert", $"projects/{t.Project}/zones/{t.Zone}/instances", ["image-cache-disk", .. ours], new JsonObject
                {
                    ["name"] = vm,
                    ["machineType"] = $"zones/{t.Zone}/machineTypes/n2-standard-16",
                    ["disks"] = new JsonArray(
                        new JsonObject
                        {
                            ["boot"] = true, ["autoDelete"] = true, ["type"] = "PERSISTENT", ["mode"] = "READ_WRITE", ["deviceName"] = "boot",
                            ["initializeParams"] = new JsonObject
                            {
                                ["diskSizeGb"] = "60",
                                ["diskType"] = $"projects/{t.Project}/zones/{t.Zone}/diskTypes/pd-ssd",
                                ["sourceImage"] = "projects/debian-cloud/global/images/family/debian-12",
                            },
                        },
                        new JsonObject
                        {
                            ["boot"] = false, ["autoDelete"] = false, ["type"] = "PERSISTENT", ["mode"] = "READ_WRITE",
                            ["deviceName"] = "secondary-disk-image-disk",
                            ["source"] = $"projects/{t.Project}/zones/{t.Zone}/disks/{disk}",
                        }),
                    ["networkInterfaces"] = new JsonArray(new JsonObject
                    {
                        ["network"] = $"projects/{t.Project}/global/networks/default",
                        ["subnetwork"] = $"projects/{t.Project}/regions/{t.Region}/subnetworks/default",
                        ["accessConfigs"] = new JsonArray(new JsonObject { ["type"] = "ONE_TO_ONE_NAT", ["name"] = "External NAT" }),
                    }),
                    ["serviceAccounts"] = new JsonArray(new JsonObject { ["email"] = "default", ["scopes"] = new JsonArray(CloudPlatformScope) }),
                    ["metadata"] = new JsonObject
                    {
                        ["items"] = new JsonArray(new JsonObject { ["key"] = "startup-script", ["value"] = ImageCacheStartupScript(images) }),
                    },
                    ["labels"] = Labels(app, model.Environment.Name),
                }));
            steps.Add(ComputeInsert(t, "image-cache-image", $"disk image {cache.ImageName} (CONTAINER_IMAGE_CACHE layout), once the builder printed '{ImageCacheDoneSentinel}' and the disk is detached",
                "compute.images.insert", $"projects/{t.Project}/global/images", ["image-cache-builder"], new JsonObject
                {
                    ["name"] = cache.ImageName,
                    ["sourceDisk"] = $"projects/{t.Project}/zones/{t.Zone}/disks/{disk}",
                    ["family"] = $"{model.Environment.Name}-image-cache",
                    ["labels"] = Labels(app, model.Environment.Name),
                }));
        }

        foreach (var pool in model.Environment.NodePools)
        {
            steps.Add(NodePool(t, pool, cacheImage, app, model.Environment.Name));
        }

        foreach (var w in model.Workloads)
        {
            var weights = w.Weights.Name;
            // Step ids carry the weights version, so a new version's steps (and their request IDs) are new ones.
            var step = $"{weights}-{w.WeightsVersion}";
            var labels = Labels(app, weights);
            labels[KubernetesLabels.WeightsVersionCloudLabel] = w.WeightsVersion;
            steps.Add(ComputeInsert(t, $"{step}-bake-disk", $"writable {w.Disk.DiskType} disk the bake Job copies {w.Weights.Source} into",
                "compute.disks.insert", $"projects/{t.Project}/zones/{t.Zone}/disks", [], new JsonObject
                {
                    ["name"] = w.BakeName,
                    ["sizeGb"] = w.BakeDiskSizeGb.ToString(CultureInfo.InvariantCulture),
                    ["type"] = $"projects/{t.Project}/zones/{t.Zone}/diskTypes/{w.Disk.DiskType}",
                    ["labels"] = labels.DeepClone(),
                }));
            steps.Add(ComputeInsert(t, $"{step}-image", $"weights image {w.WeightsImageName}, once Job {t.Namespace}/{w.BakeName} completed and the disk is detached",
                "compute.images.insert", $"projects/{t.Project}/global/images",
                [$"{step}-bake-disk", $"kubernetes/Job/{t.Namespace}/{w.BakeName}", "project-iam"], new JsonObject
                {
                    ["name"] = w.WeightsImageName,
                    ["sourceDisk"] = $"projects/{t.Project}/zones/{t.Zone}/disks/{w.BakeName}",
                    ["labels"] = labels.DeepClone(),
                }));
            foreach (var zone in t.Zones)
            {
                steps.Add(ComputeInsert(t, $"{step}-disk-{zone}", $"read-only {w.Disk.DiskType} weights disk in {zone}, {w.Disk.SizeGb} GB",
                    "compute.disks.insert", $"projects/{t.Project}/zones/{zone}/disks", [$"{step}-image"], new JsonObject
                    {
                        ["name"] = w.WeightsVolumeName(zone),
                        ["sizeGb"] = w.Disk.SizeGb.ToString(CultureInfo.InvariantCulture),
                        ["type"] = $"projects/{t.Project}/zones/{zone}/diskTypes/{w.Disk.DiskType}",
                        ["sourceImage"] = $"projects/{t.Project}/global/images/{w.WeightsImageName}",
                        ["labels"] = labels.DeepClone(),
                    }));
            }
        }

        // IAM comes before the first bake disk: the bake Job needs its Cloud Storage grant before it runs.
        if (model.Workloads.Count > 0)
        {
            steps.Insert(steps.FindIndex(s => s.Id.EndsWith("-bake-disk", StringComparison.Ordinal)), ProjectIam(model));
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

    /// <summary>The hex digits of the configuration hash a node pool's GKE name ends with.</summary>
    public const int NodePoolHashLength = 8;

    /// <summary>GKE's limit on node pool names.</summary>
    public const int MaxNodePoolNameLength = 40;

    /// <summary>The longest pool name <c>WithNodePool</c> takes: room is left for <c>-</c> and the configuration hash.</summary>
    public const int MaxNodePoolBaseNameLength = MaxNodePoolNameLength - 1 - NodePoolHashLength;

    // The node configuration fields GKE cannot change on an existing pool (gcp.md §1.2, §1.5): a change needs a new pool.
    private static readonly string[] ImmutableNodeConfigFields =
        ["machineType", "imageType", "diskType", "diskSizeGb", "accelerators", "secondaryBootDisks", "oauthScopes", "serviceAccount", "spot", "preemptible"];

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
        var config = NodePoolConfig(target, pool, cacheImage, new JsonObject());
        var immutable = new JsonObject();
        foreach (var field in ImmutableNodeConfigFields)
        {
            if (config[field] is { } value)
            {
                immutable[field] = value.DeepClone();
            }
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(immutable.ToJsonString())))[..NodePoolHashLength];
        return $"{pool.Name}-{hash}";
    }

    private static JsonObject NodePoolConfig(GkeTarget t, GkeNodePoolAnnotation pool, string? cacheImage, JsonObject resourceLabels)
    {
        var config = new JsonObject
        {
            ["machineType"] = pool.MachineType,
            ["imageType"] = "COS_CONTAINERD",
            ["diskType"] = pool.BootDiskType,
            ["diskSizeGb"] = pool.BootDiskSizeGb,
            ["oauthScopes"] = new JsonArray(CloudPlatformScope),
            ["workloadMetadataConfig"] = new JsonObject { ["mode"] = "GKE_METADATA" },
            ["resourceLabels"] = resourceLabels,
        };
        if (pool.Accelerator is { } accelerator)
        {
            config["accelerators"] = new JsonArray(new JsonObject
            {
                ["acceleratorCount"] = pool.AcceleratorCount.ToString(CultureInfo.InvariantCulture),
                ["acceleratorType"] = accelerator,
                ["gpuDriverInstallationConfig"] = new JsonObject { ["gpuDriverVersion"] = "LATEST" },
            });
            // GKE adds this taint only when the cluster also has a non-GPU pool (gcp.md §5.5): set it always.
            config["taints"] = new JsonArray(new JsonObject { ["key"] = "nvidia.com/gpu", ["value"] = "present", ["effect"] = "NO_SCHEDULE" });
        }

        if (cacheImage is not null)
        {
            // Secondary boot disks need image streaming (gcp.md §1.5).
            config["gcfsConfig"] = new JsonObject { ["enabled"] = true };
            config["secondaryBootDisks"] = new JsonArray(new JsonObject
            {
                ["diskImage"] = $"projects/{t.Project}/global/images/{cacheImage}",
                ["mode"] = "CONTAINER_IMAGE_CACHE",
            });
        }

        return config;
    }

    private static GkePlanStep NodePool(GkeTarget t, GkeNodePoolAnnotation pool, string? cacheImage, string app, string environment)
    {
        var config = NodePoolConfig(t, pool, cacheImage, Labels(app, environment));
        var name = NodePoolName(t, pool, cacheImage);
        return new GkePlanStep
        {
            Id = $"node-pool-{pool.Name}",
            Description = $"node pool {name}: {pool.MachineType}" + (pool.Accelerator is null ? "" : $" with {pool.AcceleratorCount}× {pool.Accelerator}") +
                (cacheImage is null ? "" : $", image cache {cacheImage}"),
            DependsOn = cacheImage is null ? [] : ["image-cache-image"],
            ApiMethod = "container.projects.locations.clusters.nodePools.create",
            HttpMethod = "POST",
            Url = $"{ContainerBaseUrl}v1/projects/{t.Project}/locations/{t.Location}/clusters/{t.Cluster}/nodePools",
            Body = new JsonObject
            {
                ["nodePool"] = new JsonObject
                {
                    ["name"] = name,
                    ["initialNodeCount"] = pool.Count,
                    ["locations"] = new JsonArray([.. t.Zones.Select(z => (JsonNode)z)]),
                    ["autoscaling"] = new JsonObject
                    {
                        ["enabled"] = true, ["totalMinNodeCount"] = pool.MinNodes, ["totalMaxNodeCount"] = pool.MaxNodes, ["locationPolicy"] = "ANY",
                    },
                    ["management"] = new JsonObject { ["autoRepair"] = true, ["autoUpgrade"] = true },
                    ["config"] = config,
                },
            },
        };
    }

    private static GkePlanStep ProjectIam(GkePublishModel model)
    {
        var t = model.Target;
        var principal = $"principal://iam.googleapis.com/projects/{{projectNumber}}/locations/global/workloadIdentityPools/{t.Project}.svc.id.goog/subject/ns";
        var bindings = new JsonArray();
        foreach (var w in model.Workloads)
        {
            // The bake Job reads the weights from Cloud Storage as its own Kubernetes service account.
            bindings.Add(new JsonObject { ["role"] = "roles/storage.objectViewer", ["members"] = new JsonArray($"{principal}/{t.Namespace}/sa/{w.BakeServiceAccountName}") });
        }

        if (model.Environment.MetricsAdapter == MetricsAdapterKind.GoogleStackdriver && model.Workloads.Any(w => w.Autoscaling is not null))
        {
            bindings.Add(new JsonObject
            {
                ["role"] = "roles/monitoring.viewer",
                ["members"] = new JsonArray($"{principal}/{GoogleMetricsAdapterManifests.Namespace}/sa/{GoogleMetricsAdapterManifests.Name}"),
            });
        }

        return new GkePlanStep
        {
            Id = "project-iam",
            Description = "IAM bindings for Workload Identity principals: the bake Job reads Cloud Storage; Google's metrics adapter reads Cloud Monitoring",
            ApiMethod = "cloudresourcemanager.projects.setIamPolicy",
            HttpMethod = "POST",
            Url = $"{ResourceManagerBaseUrl}v1/projects/{t.Project}:setIamPolicy",
            Body = new JsonObject
            {
                ["policy"] = new JsonObject { ["version"] = 3, ["bindings"] = bindings },
                ["updateMask"] = "bindings,etag",
            },
            ResolveAtDeploy = new Dictionary<string, string>
            {
                ["{projectNumber}"] = $"projectNumber from GET {ResourceManagerBaseUrl}v1/projects/{t.Project}",
                ["policy"] = $"these bindings are added to the policy from POST {ResourceManagerBaseUrl}v1/projects/{t.Project}:getIamPolicy (requestedPolicyVersion 3), keeping its etag and every other binding",
            },
        };
    }

    private static GkePlanStep ComputeInsert(GkeTarget t, string id, string description, string apiMethod, string path, IReadOnlyList<string> dependsOn, JsonObject body) => new()
    {
        Id = id,
        Description = description,
        DependsOn = dependsOn,
        ApiMethod = apiMethod,
        HttpMethod = "POST",
        // A request ID derived from the project and step makes a retried or repeated insert idempotent (gcp.md §8).
        Url = $"{ComputeBaseUrl}{path}?requestId={RequestId(t.Project, id)}",
        Body = body,
    };

    private static JsonObject Labels(string app, string resource)
    {
        var labels = new JsonObject();
        foreach (var (key, value) in KubernetesLabels.ForCloud(app, resource))
        {
            labels[key] = value;
        }

        return labels;
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

    private static string FullReference(string image)
    {
        var firstSegment = image.Split('/')[0];
        var hasRegistry = image.Contains('/', StringComparison.Ordinal) && (firstSegment.Contains('.', StringComparison.Ordinal) || firstSegment.Contains(':', StringComparison.Ordinal));
        return hasRegistry ? image : image.Contains('/', StringComparison.Ordinal) ? $"docker.io/{image}" : $"docker.io/library/{image}";
    }

    // The layout GKE's CONTAINER_IMAGE_CACHE mode reads (gcp.md §3.3): ext4 on the whole device, snapshots/<N>/fs and the two metadata files.
    private static string ImageCacheStartupScript(IReadOnlyList<string> images)
    {
        var script = new StringBuilder();
        script.Append("#!/bin/bash\n");
        script.Append("set -uo pipefail\n");
        script.Append(CultureInfo.InvariantCulture, $"fail() {{ echo \"{ImageCacheFailedSentinel}: $1\" > /dev/ttyS0; exit 1; }}\n");
        script.Append("apt-get update && apt-get install -y containerd jq || fail 'cannot install containerd'\n");
        script.Append("mkdir -p /etc/containerd/certs.d/docker.io\n");
        script.Append("printf 'server = \"https://registry-1.docker.io\"\\n[host.\"https://mirror.gcr.io\"]\\n  capabilities = [\"pull\", \"resolve\"]\\n' > /etc/containerd/certs.d/docker.io/hosts.toml\n");
        script.Append("systemctl restart containerd\n");
        script.Append("dev=/dev/disk/by-id/google-secondary-disk-image-disk\n");
        script.Append("mkfs.ext4 -F -m 0 -E lazy_itable_init=0,lazy_journal_init=0,discard \"$dev\" || fail 'mkfs'\n");
        script.Append("mnt=/mnt/disks/container_layers; mkdir -p \"$mnt\" && mount -o discard,defaults \"$dev\" \"$mnt\" || fail 'mount'\n");
        script.Append("token=$(curl -s -H 'Metadata-Flavor: Google' http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token | jq -r .access_token)\n");
        foreach (var image in images)
        {
            script.Append(CultureInfo.InvariantCulture, $"ctr -n k8s.io image pull --hosts-dir /etc/containerd/certs.d --user \"oauth2accesstoken:$token\" '{image}' || fail 'pull {image}'\n");
        }

        script.Append("ctr -n k8s.io images ls > \"$mnt/images.metadata\"\n");
        script.Append(": > \"$mnt/snapshots.metadata\"\n");
        script.Append("for snap in $(ctr -n k8s.io snapshot list | awk '$3 == \"Committed\" {print $1}'); do\n");
        script.Append("  ctr -n k8s.io snapshot view \"tmp_$snap\" \"$snap\" > /dev/null || fail \"view $snap\"\n");
        script.Append("  src=$(ctr -n k8s.io snapshot mounts /tmp \"tmp_$snap\" | grep -o 'lowerdir=[^ ,]*' | cut -d= -f2 | cut -d: -f1)\n");
        script.Append("  n=$(basename \"$(dirname \"$src\")\"); mkdir -p \"$mnt/snapshots/$n\" && cp -r -p \"$src\" \"$mnt/snapshots/$n/fs\" || fail \"copy $snap\"\n");
        script.Append("  echo \"$snap snapshots/$n/fs\" >> \"$mnt/snapshots.metadata\"\n");
        script.Append("done\n");
        script.Append("umount \"$mnt\" || fail 'umount'\n");
        script.Append(CultureInfo.InvariantCulture, $"echo '{ImageCacheDoneSentinel}' > /dev/ttyS0\n");
        return script.ToString();
    }
}
