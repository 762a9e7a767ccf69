using System.Text.RegularExpressions;
using VllmAspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Planning;

namespace VllmAspire.Hosting.Publishing;

/// <summary>
/// The part of the application model that is published to a GKE environment, resolved and validated: every
/// problem is found before anything is written, each named with the setting and how to fix it.
/// </summary>
public sealed partial class GkePublishModel
{
    private GkePublishModel(GkeEnvironmentResource environment, GkeTarget target, IReadOnlyList<GkeWorkload> workloads)
    {
        Environment = environment;
        Target = target;
        Workloads = workloads;
    }

    /// <summary>Gets the environment.</summary>
    public GkeEnvironmentResource Environment { get; }

    /// <summary>Gets the resolved target.</summary>
    public GkeTarget Target { get; }

    /// <summary>Gets the vLLM workloads.</summary>
    public IReadOnlyList<GkeWorkload> Workloads { get; }

    /// <summary>Resolves and validates the model.</summary>
    /// <param name="model">The application model (publish mode).</param>
    /// <param name="problems">Every problem found; empty when the model can be published.</param>
    /// <returns>The publish model, or <see langword="null"/> when there are problems.</returns>
    public static GkePublishModel? TryCreate(DistributedApplicationModel model, out IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(model);
        var errors = new List<string>();
        problems = errors;
        var environments = model.Resources.OfType<GkeEnvironmentResource>().ToList();
        if (environments.Count != 1)
        {
            errors.Add(environments.Count == 0
                ? "The model has no GKE environment: add builder.AddGkeEnvironment(\"gke\") to AppHost/Program.cs."
                : $"The model has {environments.Count} GKE environments ({string.Join(", ", environments.Select(e => e.Name))}): keep one.");
            return null;
        }

        var environment = environments[0];
        var target = ResolveTarget(environment, errors);
        ValidateNodePools(environment, errors);
        ShimMetricsAdapterManifests.Validate(environment, errors);
        var workloads = new List<GkeWorkload>();
        foreach (var vllm in model.Resources.OfType<VllmResource>())
        {
            if (ResolveWorkload(environment, vllm, errors) is { } workload)
            {
                workloads.Add(workload);
            }
        }

        if (target is not null)
        {
            foreach (var workload in workloads)
            {
                ValidateCloudNames(workload, target, errors);
            }
        }

        return errors.Count == 0 ? new GkePublishModel(environment, target!, workloads) : null;
    }

    private static GkeTarget? ResolveTarget(GkeEnvironmentResource environment, List<string> errors)
    {
        var missing = false;
        foreach (var parameter in new[] { environment.Project, environment.Location, environment.Zone, environment.Cluster })
        {
            if (!parameter.HasValue)
            {
                errors.Add($"Parameter '{parameter.Name}' is missing ({parameter.Description}): {parameter.HowToSet}.");
                missing = true;
            }
        }

        if (!GcpNames.IsDns1123Label(environment.Namespace))
        {
            errors.Add($"Namespace '{environment.Namespace}' of GKE environment '{environment.Name}' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63): fix WithNamespace(...).");
        }

        if (missing)
        {
            return null;
        }

        var target = new GkeTarget(environment.Project.Value, environment.Location.Value, environment.Zone.Value, environment.Cluster.Value, environment.Namespace);
        var valid = true;
        if (!GcpNames.IsProjectId(target.Project))
        {
            errors.Add($"Parameter 'gcp-project' = '{target.Project}' is not a GCP project ID (6–30 lower-case letters, digits and '-', starting with a letter): set the project ID, not its name or number.");
            valid = false;
        }

        if (!GcpNames.IsRegion(target.Location) && !GcpNames.IsZone(target.Location))
        {
            errors.Add($"Parameter 'gcp-location' = '{target.Location}' is neither a region (us-central1) nor a zone (us-central1-a): set the cluster's location.");
            valid = false;
        }

        if (!GcpNames.IsZone(target.Zone))
        {
            errors.Add($"Parameter 'gcp-zone' = '{target.Zone}' is not a zone (e.g. us-central1-a): set the zone of the GPU nodes.");
            valid = false;
        }
        else if (target.Zone != target.Location && !target.Zone.StartsWith(target.Location + "-", StringComparison.Ordinal))
        {
            errors.Add($"Parameter 'gcp-zone' = '{target.Zone}' is outside the cluster's location 'gcp-location' = '{target.Location}': choose a zone of {target.Location}.");
            valid = false;
        }

        if (!GcpNames.IsGceName(target.Cluster, 40))
        {
            errors.Add($"Parameter 'gke-cluster' = '{target.Cluster}' is not a GKE cluster name (lower-case letters, digits and '-', starting with a letter, at most 40): set the cluster's name.");
            valid = false;
        }

        return valid ? target : null;
    }

    private static void ValidateNodePools(GkeEnvironmentResource environment, List<string> errors)
    {
        foreach (var pool in environment.NodePools)
        {
            if (!GcpNames.IsGceName(pool.Name, 40))
            {
                errors.Add($"Node pool name '{pool.Name}' is not valid (lower-case letters, digits and '-', starting with a letter, at most 40): rename it in WithNodePool.");
            }

            if (pool.MinNodes < 0 || pool.MaxNodes < Math.Max(1, pool.MinNodes))
            {
                errors.Add($"Node pool '{pool.Name}': minNodes {pool.MinNodes} and maxNodes {pool.MaxNodes} need 0 <= minNodes <= maxNodes and maxNodes >= 1: fix WithNodePool.");
            }

            if (!MachineTypes.CanAttach(pool.MachineType, pool.BootDiskType))
            {
                errors.Add($"Node pool '{pool.Name}': machine type {pool.MachineType} cannot attach boot disk type {pool.BootDiskType}: use bootDiskType: \"hyperdisk-balanced\" or a machine type that takes persistent disk (g2, a2, a3-high).");
            }
        }

        if (environment.ImageCache is { } cache && !GcpNames.IsGceName(cache.ImageName, 39))
        {
            errors.Add($"Image cache name '{cache.ImageName}' is not valid: a disk image name for a secondary boot disk has at most 39 lower-case letters, digits and '-', starting with a letter: pass a shorter imageName to WithImageCache.");
        }
    }

    private static GkeWorkload? ResolveWorkload(GkeEnvironmentResource environment, VllmResource vllm, List<string> errors)
    {
        var count = errors.Count;
        if (!GcpNames.IsDns1123Label(vllm.Name))
        {
            errors.Add($"vLLM resource name '{vllm.Name}' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63): rename it in AddVllm.");
        }

        // vLLM runs on the first GPU pool; a CPU build of vLLM may run on any pool.
        var pool = environment.NodePools.FirstOrDefault(p => p.Accelerator is not null) ?? environment.NodePools.FirstOrDefault();
        var image = vllm.TryGetLastAnnotation<ContainerImageAnnotation>(out var i) ? i.Reference : VllmBuilderExtensions.DefaultImage;
        if (pool is null && !NeedsGpu(image))
        {
            errors.Add($"GKE environment '{environment.Name}' has no node pool for vLLM '{vllm.Name}': add WithNodePool(\"vllm-pool\", machineType: ...).");
        }

        if (pool?.Accelerator is null && NeedsGpu(image))
        {
            errors.Add($"vLLM '{vllm.Name}' runs {image}, which needs an NVIDIA GPU, but GKE environment '{environment.Name}' has no node pool with a GPU: add WithNodePool(\"vllm-pool\", machineType: \"g2-standard-16\", accelerator: \"nvidia-l4\").");
        }

        // New nodes must run exactly the image the image cache holds and the model was tested with.
        if (i is null || i.Tag is "latest" or "" || i.Tag.Contains("nightly", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"vLLM '{vllm.Name}' runs {image}, which is not pinned to a release: pass a version tag to AddVllm, e.g. image: \"{VllmBuilderExtensions.DefaultImage}\".");
        }

        if (vllm.TryGetLastAnnotation<AutoscalingAnnotation>(out var autoscaling) && (autoscaling.MinReplicas < 1 || autoscaling.MinReplicas > autoscaling.MaxReplicas))
        {
            errors.Add($"vLLM '{vllm.Name}': WithAutoscaling minReplicas {autoscaling.MinReplicas} is above maxReplicas {autoscaling.MaxReplicas} (or below 1): use 1 <= minReplicas <= maxReplicas.");
        }

        var weights = vllm.Weights;
        if (weights is null)
        {
            errors.Add($"vLLM '{vllm.Name}' has no model: call WithModel(weights) with the result of AddModelWeights.");
            return null;
        }

        if (!GcpNames.IsDns1123Label(weights.Name))
        {
            errors.Add($"Model weights name '{weights.Name}' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63): rename it in AddModelWeights.");
        }

        if (weights.Source is not { } source || !source.StartsWith("gs://", StringComparison.Ordinal) || source.Length <= "gs://".Length)
        {
            errors.Add($"Model weights '{weights.Name}' have source '{weights.Source}', but publishing bakes the disk from Cloud Storage: pass source: \"gs://BUCKET/PATH\" to AddModelWeights.");
        }

        if (!weights.TryGetLastAnnotation<PersistentDiskAnnotation>(out var disk))
        {
            errors.Add($"Model weights '{weights.Name}' have no published storage: call PublishAsPersistentDisk(type: \"pd-ssd\", sizeGb: 2048, readAheadKb: 4096).");
            return null;
        }

        if (disk.DiskType is not ("pd-ssd" or "pd-balanced" or "pd-standard" or "pd-extreme"))
        {
            errors.Add($"Model weights '{weights.Name}': disk type '{disk.DiskType}' is not supported for a ReadOnlyMany weights disk: use pd-ssd or pd-balanced.");
        }

        if (disk.ReadAheadKb <= 0 || disk.ReadAheadKb % 4 != 0)
        {
            errors.Add($"Model weights '{weights.Name}': readAheadKb {disk.ReadAheadKb} is not a positive multiple of 4: use e.g. 1024 or 4096 in PublishAsPersistentDisk.");
        }

        if (disk.SizeGb is < 10 or > 65536)
        {
            errors.Add($"Model weights '{weights.Name}': sizeGb {disk.SizeGb} is outside 10–65536: change PublishAsPersistentDisk(sizeGb: ...).");
        }

        // Compute Engine's sizeGb is in GiB.
        if (weights.TryGetLastAnnotation<ModelSizeAnnotation>(out var size) && disk.SizeGb < size.SizeGiB)
        {
            errors.Add($"Model weights '{weights.Name}' are {size.SizeGiB} GiB but PublishAsPersistentDisk(sizeGb: {disk.SizeGb}) is smaller: use sizeGb of at least {(int)Math.Ceiling(size.SizeGiB)} (more gives more throughput).");
        }

        if (pool is not null && !MachineTypes.CanAttach(pool.MachineType, disk.DiskType))
        {
            errors.Add($"Node pool '{pool.Name}': machine type {pool.MachineType} cannot attach {disk.DiskType} (it takes Hyperdisk only): use a machine type that takes persistent disk (g2, a2, a3-high) for the GPU node pool.");
        }

        return errors.Count == count && pool is not null
            ? new GkeWorkload(vllm, weights, disk, pool, autoscaling)
            : null;
    }

    private static void ValidateCloudNames(GkeWorkload workload, GkeTarget target, List<string> errors)
    {
        var diskName = workload.WeightsVolumeName(target.Zone);
        if (!GcpNames.IsGceName(diskName))
        {
            errors.Add($"Weights disk name '{diskName}' (model weights name + zone) is longer than 63 characters or not a valid disk name: shorten the name given to AddModelWeights.");
        }

        if (!GcpNames.IsGceName(workload.WeightsImageName))
        {
            errors.Add($"Weights image name '{workload.WeightsImageName}' is not a valid image name (at most 63): shorten the name given to AddModelWeights.");
        }
    }

    // vLLM's CUDA images need a GPU; its CPU builds (tags or images with "cpu") do not.
    private static bool NeedsGpu(string image) => VllmGpuImage().IsMatch(image) && !image.Contains("cpu", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("vllm", RegexOptions.IgnoreCase)]
    private static partial Regex VllmGpuImage();
}
