using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Gke;
using VllmAspire.Hosting.Planning;
using VllmAspire.VllmCatalog;

namespace VllmAspire.Hosting.Publishing;

/// <summary>
/// The part of the application model that is published to a GKE environment, resolved and validated: every
/// problem is found before anything is written, each named with the setting and how to fix it.
/// </summary>
public sealed partial class GkePublishModel
{
    private GkePublishModel(GkeEnvironmentResource environment, GkeSettings settings, GkeTarget target, IReadOnlyList<GkeWorkload> workloads)
    {
        Environment = environment;
        Settings = settings;
        Target = target;
        Workloads = workloads;
    }

    /// <summary>Gets the environment.</summary>
    public GkeEnvironmentResource Environment { get; }

    /// <summary>Gets the environment's parameters, resolved.</summary>
    internal GkeSettings Settings { get; }

    /// <summary>Gets the resolved target.</summary>
    public GkeTarget Target { get; }

    /// <summary>Gets the vLLM workloads.</summary>
    public IReadOnlyList<GkeWorkload> Workloads { get; }

    /// <summary>Resolves and validates the model.</summary>
    /// <param name="model">The application model (publish mode).</param>
    /// <param name="settings">The GKE environment's parameters, resolved.</param>
    /// <param name="problems">Every problem found; empty when the model can be published.</param>
    /// <returns>The publish model, or <see langword="null"/> when there are problems.</returns>
    internal static GkePublishModel? TryCreate(DistributedApplicationModel model, GkeSettings settings, out IReadOnlyList<string> problems)
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
        var target = ResolveTarget(environment, settings, errors);
        ValidateNodePools(environment, errors);
        ShimMetricsAdapterManifests.Validate(environment, settings, errors);
        var workloads = new List<GkeWorkload>();
        foreach (var vllm in model.Resources.OfType<VllmResource>())
        {
            if (ResolveWorkload(environment, settings, target, vllm, errors) is { } workload)
            {
                workloads.Add(workload);
            }
        }

        StandbyCapacityManifests.Validate(environment, workloads, target?.Zones.Count ?? 1, errors);
        if (settings.HuggingFaceTokenGiven)
        {
            var secrets = string.Join(" and ", model.Resources.OfType<VllmResource>().Select(v => $"kubectl create secret generic {v.Name}{VllmDeploymentBuilder.HuggingFaceSecretSuffix} -n {environment.Namespace} --from-literal=token=TOKEN"));
            errors.Add($"Parameter 'hf-token' is set, but a secret given as a parameter is saved in clear text (Aspire keeps a published model's parameter values in ~/.aspire/deployments): remove {GkeSettings.HuggingFaceTokenKey} and create the Secret the vLLM pods read: {secrets}.");
        }

        if (target is not null)
        {
            foreach (var workload in workloads)
            {
                ValidateCloudNames(workload, target, errors);
            }
        }

        return errors.Count == 0 ? new GkePublishModel(environment, settings, target!, workloads) : null;
    }

    private static GkeTarget? ResolveTarget(GkeEnvironmentResource environment, GkeSettings settings, List<string> errors)
    {
        var missing = false;
        foreach (var parameter in new[] { settings.Project, settings.Location, settings.Zone, settings.Cluster })
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

        // gcp-zone is one zone or a comma-separated list: the node pool spans them and each gets its own weights disk.
        var zones = settings.Zone.Required.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var target = new GkeTarget(settings.Project.Required, settings.Location.Required, zones, settings.Cluster.Required, environment.Namespace);
        var valid = true;
        if (!GcpNames.IsProjectId(target.Project))
        {
            errors.Add($"Parameter 'gcp-project' = '{target.Project}' is not a GCP project ID (6–30 lower-case letters, digits and '-', starting with a letter): set the project ID, not its name or number.");
            valid = false;
        }

        var location = GcpNames.IsRegion(target.Location) || GcpNames.IsZone(target.Location);
        if (!location)
        {
            errors.Add($"Parameter 'gcp-location' = '{target.Location}' is neither a region (us-central1) nor a zone (us-central1-a): set the cluster's location.");
            valid = false;
        }

        if (zones.Length == 0)
        {
            errors.Add($"Parameter 'gcp-zone' = '{settings.Zone.Value}' names no zone: set one zone (us-central1-a) or a comma-separated list (us-central1-a,us-central1-b).");
            return null;
        }

        foreach (var zone in zones)
        {
            if (!GcpNames.IsZone(zone))
            {
                errors.Add($"Parameter 'gcp-zone' = '{zone}' is not a zone (e.g. us-central1-a): set the zone of the GPU nodes, or a comma-separated list of zones.");
                valid = false;
            }
            else if (location && zone != target.Location && !zone.StartsWith(target.Location + "-", StringComparison.Ordinal))
            {
                errors.Add($"Parameter 'gcp-zone' = '{zone}' is outside the cluster's location 'gcp-location' = '{target.Location}': choose a zone of {target.Location}.");
                valid = false;
            }
        }

        if (zones.Distinct(StringComparer.Ordinal).Count() != zones.Length)
        {
            errors.Add($"Parameter 'gcp-zone' = '{settings.Zone.Value}' names a zone twice: list each zone once.");
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
            if (!GcpNames.IsGceName(pool.Name, GkePlanBuilder.MaxNodePoolNameLength))
            {
                errors.Add($"Node pool name '{pool.Name}' is not valid (lower-case letters, digits and '-', starting with a letter, at most {GkePlanBuilder.MaxNodePoolBaseNameLength}): rename it in AddNodePool.");
            }
            else if (pool.Name.Length > GkePlanBuilder.MaxNodePoolBaseNameLength)
            {
                errors.Add($"Node pool name '{pool.Name}' has {pool.Name.Length} characters, but publishing appends '-' and a {GkePlanBuilder.NodePoolHashLength}-digit configuration hash and GKE allows {GkePlanBuilder.MaxNodePoolNameLength}: use at most {GkePlanBuilder.MaxNodePoolBaseNameLength} characters in AddNodePool.");
            }

            if (!MachineTypes.CanAttach(pool.MachineType, pool.BootDiskType))
            {
                errors.Add($"Node pool '{pool.Name}': machine type {pool.MachineType} cannot attach boot disk type {pool.BootDiskType}: use bootDiskType: \"hyperdisk-balanced\" or a machine type that takes persistent disk (g2, a2, a3-high).");
            }
        }

        // Deploy builds one image cache for the environment (every image of the model); the pools that ask for it mount it.
        var caches = environment.NodePoolResources.Where(p => p.ImageCache is not null).Select(p => (Pool: p.Name, Cache: p.ImageCache!.ImageName)).ToList();
        if (caches.Select(c => c.Cache).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            errors.Add($"The node pools of GKE environment '{environment.Name}' name different image caches ({string.Join(", ", caches.Select(c => $"{c.Pool}: {c.Cache}"))}): the environment builds one image cache, so give WithImageCache() the same name on every pool that has one.");
        }

        if (environment.ImageCache is { } cache && !GcpNames.IsGceName(cache.ImageName, 39))
        {
            errors.Add($"Image cache name '{cache.ImageName}' is not valid: a disk image name for a secondary boot disk has at most 39 lower-case letters, digits and '-', starting with a letter: pass a shorter imageName to WithImageCache.");
        }
    }

    private static GkeWorkload? ResolveWorkload(GkeEnvironmentResource environment, GkeSettings settings, GkeTarget? target, VllmResource vllm, List<string> errors)
    {
        var count = errors.Count;
        if (!GcpNames.IsDns1123Label(vllm.Name))
        {
            errors.Add($"vLLM resource name '{vllm.Name}' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63): rename it in AddVllm.");
        }

        var poolResource = ResolveNodePool(environment, vllm, errors);
        var pool = poolResource?.Configuration;
        var image = vllm.Image.Reference;
        if (pool is not null && pool.Accelerator is null && NeedsGpu(image))
        {
            errors.Add($"vLLM '{vllm.Name}' runs {image}, which needs an NVIDIA GPU, but its node pool '{pool.Name}' has none: give the pool a GPU, e.g. AddNodePool(\"{pool.Name}\", machineType: \"g2-standard-16\", accelerator: \"nvidia-l4\").");
        }

        // New nodes must run exactly the image the image cache holds and the model was tested with.
        if (vllm.Image.Tag is "latest" or "" || vllm.Image.Tag.Contains("nightly", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"vLLM '{vllm.Name}' runs {image}, which is not pinned to a release: pass a version tag to AddVllm, e.g. image: \"{VllmImageAnnotation.DefaultReference}\".");
        }

        if (vllm.TryGetLastAnnotation<AutoscalingAnnotation>(out var autoscaling) && (autoscaling.MinReplicas < 1 || autoscaling.MinReplicas > autoscaling.MaxReplicas))
        {
            errors.Add($"vLLM '{vllm.Name}': WithAutoscaling minReplicas {autoscaling.MinReplicas} is above maxReplicas {autoscaling.MaxReplicas} (or below 1): use 1 <= minReplicas <= maxReplicas.");
        }

        if (autoscaling is not null)
        {
            ValidateAutoscalingMetric(vllm, image, autoscaling.Metric, errors);
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

        var compileCache = vllm.TryGetLastAnnotation<VllmCompileCacheAnnotation>(out _);
        if (compileCache)
        {
            ValidateCompileCache(vllm, image, pool, errors);
        }

        var (loader, prefetchImage, podLimit) = ResolveLoading(settings, vllm, weights, pool, errors);
        return errors.Count == count && pool is not null
            ? new GkeWorkload(vllm, weights, disk, pool, autoscaling)
            {
                Loader = loader!,
                LoadConcurrency = vllm.TryGetLastAnnotation<VllmLoadStrategyAnnotation>(out var strategy) ? strategy.Concurrency : VllmLoaderSettings.DefaultConcurrency,
                PrefetchImage = prefetchImage,
                PodMemoryLimitBytes = podLimit,
                CompileCache = compileCache,

                // Without a target the model has errors and is not published; the declared name keeps the workload whole.
                NodePoolName = target is null ? pool.Name : GkePlanBuilder.NodePoolName(target, pool, poolResource?.ImageCache?.ImageName),
            }
            : null;
    }

    // The pool a workload names with WithNodePool; the only pool when there is one; otherwise a problem.
    private static GkeNodePoolResource? ResolveNodePool(GkeEnvironmentResource environment, VllmResource vllm, List<string> errors)
    {
        var pools = environment.NodePoolResources;
        if (vllm.TryGetLastAnnotation<GkeNodePoolPlacementAnnotation>(out var placement))
        {
            if (placement.Pool.Parent != environment)
            {
                errors.Add($"vLLM '{vllm.Name}' runs on node pool '{placement.Pool.Name}' of GKE environment '{placement.Pool.Parent.Name}', which is not the model's environment '{environment.Name}': pass a pool from {environment.Name}.AddNodePool(...) to WithNodePool.");
                return null;
            }

            return placement.Pool;
        }

        switch (pools.Count)
        {
            case 0:
                errors.Add($"GKE environment '{environment.Name}' has no node pool for vLLM '{vllm.Name}': add {environment.Name}.AddNodePool(\"vllm-pool\", machineType: \"g2-standard-16\", accelerator: \"nvidia-l4\").");
                return null;
            case 1:
                return pools[0];
            default:
                errors.Add($"vLLM '{vllm.Name}' does not say which of the {pools.Count} node pools of GKE environment '{environment.Name}' ({string.Join(", ", pools.Select(p => p.Name))}) it runs on: call WithNodePool(pool) on it.");
                return null;
        }
    }

    // The load strategy's flags for the image's vLLM version, the sidecar's image, and the memory rule of storage.md §6:
    // page cache the sidecar reads is charged to the pod and is reclaimed before vLLM reads it when the limit is too small.
    private static (VllmLoaderSettings? Loader, string? PrefetchImage, long? PodLimit) ResolveLoading(GkeSettings settings, VllmResource vllm,
        ModelWeightsResource weights, GkeNodePoolAnnotation? pool, List<string> errors)
    {
        VllmLoaderSettings loader;
        try
        {
            loader = VllmLoaderSettings.For(vllm);
        }
        catch (DistributedApplicationException ex)
        {
            errors.Add($"{ex.Message} (set by WithLoadStrategy on '{vllm.Name}')");
            return (null, null, null);
        }

        string? image = null;
        var modelBytes = weights.TryGetLastAnnotation<ModelSizeAnnotation>(out var size) ? (long)Math.Ceiling(size.SizeGiB * (1L << 30)) : (long?)null;
        if (loader.PrefetchSidecar)
        {
            var registry = settings.ContainerRegistry;
            if (!registry.HasValue)
            {
                errors.Add($"Parameter '{GkeEnvironmentBuilderExtensions.ContainerRegistryParameterName}' is missing ({registry.Description}): vLLM '{vllm.Name}' runs the prefetch sidecar, whose image is the Provisioner's; " +
                    $"{registry.HowToSet}, e.g. us-central1-docker.pkg.dev/PROJECT/REPO; or choose WithLoadStrategy(VllmLoadStrategy.Default) for no sidecar.");
            }
            else if (!ProvisionerContainerImage.IsRegistry(registry.Required))
            {
                errors.Add($"Parameter '{registry.Name}' = '{registry.Value}' is not a registry and repository path: use REGION-docker.pkg.dev/PROJECT/REPO, e.g. us-central1-docker.pkg.dev/my-project/vllm.");
            }
            else
            {
                image = ProvisionerContainerImage.Reference(registry.Required);
            }

            if (modelBytes is null)
            {
                errors.Add($"Model weights '{weights.Name}' have no declared size, so the prefetch sidecar's memory cannot be set: call WithSize(sizeGiB: ...) on AddModelWeights.");
            }
        }

        var memory = vllm.TryGetLastAnnotation<VllmMemoryAnnotation>(out var m) ? m : new VllmMemoryAnnotation(null);
        var hostBytes = (long)Math.Ceiling(memory.VllmHostMemoryGiB * (1L << 30));
        var allocatable = pool is null ? null : MachineTypes.AllocatableMemoryBytes(pool.MachineType);
        var podLimit = memory.PodLimitGiB is { } gib ? (long)Math.Ceiling(gib * (1L << 30)) : (long?)null;
        if (podLimit is { } limit && allocatable is { } nodeBytes && limit > nodeBytes)
        {
            errors.Add($"vLLM '{vllm.Name}': WithMemoryLimit({memory.PodLimitGiB}) is more than a {pool!.MachineType} node can give a pod ({nodeBytes / (double)(1L << 30):F1} GiB allocatable): lower the limit or use a machine type with more memory.");
        }
        else if ((podLimit ?? allocatable) is { } bound && modelBytes is { } model)
        {
            try
            {
                loader.EnsureFits(vllm.Name, model, hostBytes, bound);
            }
            catch (DistributedApplicationException ex)
            {
                errors.Add(podLimit is null
                    ? $"{ex.Message} The pod has no WithMemoryLimit, so its bound is the allocatable memory of a {pool!.MachineType} node."
                    : $"{ex.Message} (the limit is WithMemoryLimit({memory.PodLimitGiB}) on '{vllm.Name}')");
            }
        }

        return (loader, image, podLimit);
    }

    // The bake compiles on the pool's GPU type, which is part of vLLM's cache key; only V1 releases compile and cache by default.
    private static void ValidateCompileCache(VllmResource vllm, string image, GkeNodePoolAnnotation? pool, List<string> errors)
    {
        if (pool is not null && pool.Accelerator is null)
        {
            errors.Add($"vLLM '{vllm.Name}' has WithCompileCache(), but its node pool '{pool.Name}' has no GPU: the cache is compiled for the pool's GPU type. Give the pool an accelerator or remove WithCompileCache().");
        }

        if (VllmVersion.TryParseImageTag(image, out var version) && version.CompareTo(VllmCompileCacheManifests.Since) < 0)
        {
            errors.Add($"vLLM '{vllm.Name}' has WithCompileCache(), but vLLM {version} (image {image}) does not torch.compile by default: the compile cache needs vLLM {VllmCompileCacheManifests.Since} or later. Use a newer image or remove WithCompileCache().");
        }
    }

    // The HPA reads a metric by name: one the image's vLLM release does not serve leaves the HPA without data for ever.
    private static void ValidateAutoscalingMetric(VllmResource vllm, string image, string metric, List<string> errors)
    {
        if (!VllmVersion.TryParseImageTag(image, out var version))
        {
            return; // an unpinned image is reported above
        }

        var google = GoogleMetricsAdapterManifests.TryParseMetricName(metric, out var name, out var kind);
        var catalog = VllmMetricCatalog.For(version, showHidden: null);
        if (!catalog.Has(name, out var instead))
        {
            var fix = instead is not null
                ? $"vLLM {version} calls it '{instead}': use metric: \"{(google ? GoogleMetricsAdapterManifests.MetricName(instead) : instead)}\""
                : "use a metric it serves, e.g. metric: \"vllm:num_requests_waiting\"";
            errors.Add($"vLLM '{vllm.Name}': WithAutoscaling metric '{metric}' does not exist in vLLM {version} (image {image}): {fix}.");
        }
        else if (google && kind != GoogleMetricsAdapterManifests.Kind(name))
        {
            errors.Add($"vLLM '{vllm.Name}': WithAutoscaling metric '{metric}' has kind '{kind}', but Managed Prometheus stores {name} as '{GoogleMetricsAdapterManifests.Kind(name)}': use metric: \"{GoogleMetricsAdapterManifests.MetricName(name)}\".");
        }
    }

    private static void ValidateCloudNames(GkeWorkload workload, GkeTarget target, List<string> errors)
    {
        foreach (var zone in target.Zones)
        {
            var diskName = workload.WeightsVolumeName(zone);
            if (!GcpNames.IsGceName(diskName))
            {
                errors.Add($"Weights disk name '{diskName}' (model weights name + zone) is longer than 63 characters or not a valid disk name: shorten the name given to AddModelWeights.");
            }

            var deployment = workload.DeploymentName(target, zone);
            if (!GcpNames.IsDns1123Label(deployment))
            {
                errors.Add($"Deployment name '{deployment}' (vLLM name + zone) is longer than 63 characters: shorten the name given to AddVllm.");
            }
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
