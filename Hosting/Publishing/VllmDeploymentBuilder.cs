using System.Globalization;
using k8s.Models;
using Aspire.Hosting.ApplicationModel;
using VllmAspire.VllmCatalog;

namespace VllmAspire.Hosting.Publishing;

/// <summary>
/// Builds the vLLM Deployment, and in one place its pod spec: the vLLM container with the model's arguments, GPUs,
/// probes for minutes-long weight loads, the read-only weights mount and shared memory, pinned to the GPU pool and
/// the weights disk's zone, with the prefetch sidecar and loader flags the load strategy chooses. With several zones
/// there is one Deployment per zone (a pod template names one claim, and each zone's disk has its own).
/// </summary>
public static class VllmDeploymentBuilder
{
    /// <summary>The name of the vLLM container.</summary>
    public const string ContainerName = "vllm";

    /// <summary>The name of the weights volume.</summary>
    public const string WeightsVolume = "weights";

    /// <summary>
    /// The suffix of the Secret (<c>{vllm}-hf-token</c>, key <c>token</c>) the pods read the Hugging Face token from, when
    /// it exists: the user creates it with kubectl, so the token is never a parameter Aspire would save in clear text.
    /// </summary>
    public const string HuggingFaceSecretSuffix = "-hf-token";

    /// <summary>The pod label naming the zone of a Deployment's pods when the model spans several zones (their selectors must not overlap).</summary>
    public const string ZoneLabel = "vllm-aspire/zone";

    /// <summary>Builds the Deployment of the primary zone.</summary>
    /// <param name="workload">The workload.</param>
    /// <param name="target">The GKE target.</param>
    /// <returns>The Deployment.</returns>
    public static V1Deployment Build(GkeWorkload workload, GkeTarget target) => Build(workload, target, target?.Zone!);

    /// <summary>Builds the Deployment of one zone: its pods mount that zone's weights claim.</summary>
    /// <param name="workload">The workload.</param>
    /// <param name="target">The GKE target.</param>
    /// <param name="zone">The zone.</param>
    /// <returns>The Deployment.</returns>
    public static V1Deployment Build(GkeWorkload workload, GkeTarget target, string zone)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrEmpty(zone);
        var name = workload.Vllm.Name;
        var labels = KubernetesLabels.ForWeights(target.Namespace, name, "inference-server", workload.WeightsVersion);
        var selector = KubernetesLabels.Selector(target.Namespace, name);
        if (target.IsMultiZone)
        {
            labels[ZoneLabel] = zone;
            selector[ZoneLabel] = zone;
        }

        var replicas = ReplicasPerZone(workload, target.Zones.Count);
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = workload.DeploymentName(target, zone), NamespaceProperty = target.Namespace, Labels = labels },
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                Selector = new V1LabelSelector { MatchLabels = selector },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = BuildPodSpec(workload, target, zone),
                },
            },
        };
    }

    /// <summary>Splits a replica range over <paramref name="zones"/> Deployments: each gets its share rounded up, at least one.</summary>
    /// <param name="min">The model's fewest replicas.</param>
    /// <param name="max">The model's most replicas.</param>
    /// <param name="zones">The number of zones.</param>
    /// <returns>Each zone's range.</returns>
    public static (int Min, int Max) ZoneShare(int min, int max, int zones)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(zones, 1);
        var zoneMin = Math.Max(1, (min + zones - 1) / zones);
        return (zoneMin, Math.Max(zoneMin, (max + zones - 1) / zones));
    }

    /// <summary>Builds the vLLM pod spec of the primary zone.</summary>
    /// <param name="workload">The workload.</param>
    /// <param name="target">The GKE target.</param>
    /// <returns>The pod spec.</returns>
    public static V1PodSpec BuildPodSpec(GkeWorkload workload, GkeTarget target) => BuildPodSpec(workload, target, target?.Zone!);

    /// <summary>Builds the vLLM pod spec for <paramref name="zone"/>: pinned there, mounting that zone's weights claim.</summary>
    /// <param name="workload">The workload.</param>
    /// <param name="target">The GKE target.</param>
    /// <param name="zone">The zone.</param>
    /// <returns>The pod spec.</returns>
    public static V1PodSpec BuildPodSpec(GkeWorkload workload, GkeTarget target, string zone)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrEmpty(zone);

        // The pod's memory limit is split: the prefetch sidecar's limit holds the page cache it reads (charged to it,
        // storage.md §6), vLLM gets the rest. Publishing has checked the rest holds vLLM's own memory.
        var sidecar = workload.Loader.PrefetchSidecar && workload.PrefetchImage is not null && workload.WeightsBytes is not null
            ? VllmPrefetchSidecar.Build(workload.PrefetchImage, WeightsVolume, workload.ModelPath, workload.WeightsBytes.Value, workload.LoadConcurrency)
            : null;
        var sidecarBytes = sidecar is null ? 0 : (long)sidecar.Resources.Limits["memory"].ToDecimal();
        var vllm = VllmContainer(workload, sidecarBytes);
        vllm.Ports = [new V1ContainerPort { Name = VllmResource.HttpEndpointName, ContainerPort = VllmResource.ContainerPort, Protocol = "TCP" }];
        // Weight loading takes minutes: the startup probe allows 20 min before liveness takes over.
        vllm.StartupProbe = HealthProbe(periodSeconds: 10, failureThreshold: 120);
        vllm.ReadinessProbe = HealthProbe(periodSeconds: 5, failureThreshold: 3);
        vllm.LivenessProbe = HealthProbe(periodSeconds: 10, failureThreshold: 6);
        vllm.VolumeMounts = [new V1VolumeMount { Name = WeightsVolume, MountPath = workload.ModelPath, ReadOnlyProperty = true }, SharedMemoryMount];
        var initContainers = new List<V1Container>();
        if (sidecar is not null)
        {
            initContainers.Add(sidecar);
        }

        var volumes = new List<V1Volume>
        {
            new()
            {
                Name = WeightsVolume,
                PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = workload.WeightsVolumeName(zone), ReadOnlyProperty = true },
            },
            SharedMemoryVolume,
        };
        if (workload.CompileCache)
        {
            // After the sidecar, so the copy of the baked cache overlaps the prefetch's reads.
            initContainers.Add(VllmCompileCacheManifests.SeedContainer(workload));
            vllm.VolumeMounts.Add(VllmCompileCacheManifests.CacheMount);
            volumes.Add(VllmCompileCacheManifests.CacheVolume);
        }

        var spec = GpuPodSpec(workload, zone);
        spec.ServiceAccountName = workload.Vllm.Name;
        // vLLM drains in-flight requests on SIGTERM.
        spec.TerminationGracePeriodSeconds = 60;
        // A native sidecar without a startup probe: kubelet starts vLLM right after it, so the reads overlap vLLM's start.
        spec.InitContainers = initContainers.Count == 0 ? null : initContainers;
        spec.Containers = [vllm];
        spec.Volumes = volumes;
        return spec;
    }

    /// <summary>
    /// Builds a pod spec placed as the vLLM pods are: on the workload's node pool (its GKE name, with the configuration
    /// hash) and in <paramref name="zone"/>, tolerating the GPU taint when the pool has GPUs.
    /// </summary>
    /// <param name="workload">The workload.</param>
    /// <param name="zone">The zone.</param>
    /// <returns>The pod spec, without containers.</returns>
    internal static V1PodSpec GpuPodSpec(GkeWorkload workload, string zone) => new()
    {
        NodeSelector = new Dictionary<string, string>
        {
            // The pool's GKE name carries its configuration hash: a new configuration is a new pool the pods move onto.
            ["cloud.google.com/gke-nodepool"] = workload.NodePoolName,
            // The weights disk is zonal (gcp.md §5.1): pods run where their PV is.
            ["topology.gke.io/zone"] = zone,
        },
        Tolerations = Gpus(workload) == 0 ? null : [new V1Toleration { Key = "nvidia.com/gpu", OperatorProperty = "Exists", Effect = "NoSchedule" }],
    };

    /// <summary>
    /// Builds the vLLM container without ports, probes or mounts: image, serving arguments, environment and resources.
    /// The serving pod and the compile-cache warm-up both start from it, so vLLM sees the same flags and environment in
    /// both (what vLLM keys its compile cache on).
    /// </summary>
    /// <param name="workload">The workload.</param>
    /// <param name="sidecarMemoryBytes">The memory limit of the pod's prefetch sidecar, taken off vLLM's share of the pod limit.</param>
    /// <returns>The container.</returns>
    internal static V1Container VllmContainer(GkeWorkload workload, long sidecarMemoryBytes)
    {
        var gpus = Gpus(workload);
        var limits = new Dictionary<string, ResourceQuantity>();
        if (gpus > 0)
        {
            limits["nvidia.com/gpu"] = new(gpus.ToString(CultureInfo.InvariantCulture));
        }

        if (workload.PodMemoryLimitBytes is { } podLimit)
        {
            // Whole MiB: the sidecar's limit is rounded up, so vLLM's is rounded down and the sum stays within the pod limit.
            limits["memory"] = new ResourceQuantity(((podLimit >> 20) - (sidecarMemoryBytes >> 20)).ToString(CultureInfo.InvariantCulture) + "Mi");
        }

        return new V1Container
        {
            Name = ContainerName,
            Image = workload.Image,
            Args = BuildArgs(workload),
            Env = ServingEnvironment(workload),
            // GPU requests must equal limits (gcp.md §5.5); memory is requested as limited so the pod lands where it fits.
            Resources = limits.Count == 0 ? null : new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity>(limits), Limits = limits },
        };
    }

    /// <summary>Gets the arguments of <c>vllm serve</c>: the model, where to listen, parallelism, the loader's flags and the sequence limit.</summary>
    /// <param name="workload">The workload.</param>
    /// <returns>The arguments.</returns>
    internal static List<string> BuildArgs(GkeWorkload workload)
    {
        var args = new List<string>
        {
            "--model", workload.ModelPath,
            "--served-model-name", workload.Vllm.ServedModelName ?? workload.Weights.Name,
            "--host", "0.0.0.0",
            "--port", VllmResource.ContainerPort.ToString(CultureInfo.InvariantCulture),
            "--tensor-parallel-size", Math.Max(1, Gpus(workload)).ToString(CultureInfo.InvariantCulture),
        };
        args.AddRange(workload.Loader.Args);
        if (workload.Vllm.MaxNumSeqs is { } maxNumSeqs)
        {
            args.Add("--max-num-seqs");
            args.Add(maxNumSeqs.ToString(CultureInfo.InvariantCulture));
        }

        return args;
    }

    /// <summary>Gets the vLLM container's environment: the Hugging Face token from its Secret, the loader's variables, and the compile cache's root.</summary>
    /// <param name="workload">The workload.</param>
    /// <returns>The environment.</returns>
    internal static List<V1EnvVar> ServingEnvironment(GkeWorkload workload)
    {
        var env = new List<V1EnvVar>
        {
            new()
            {
                Name = "HF_TOKEN",
                ValueFrom = new V1EnvVarSource
                {
                    SecretKeyRef = new V1SecretKeySelector { Name = workload.Vllm.Name + HuggingFaceSecretSuffix, Key = "token", Optional = true },
                },
            },
        };
        env.AddRange(workload.Loader.Environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new V1EnvVar { Name = e.Key, Value = e.Value }));
        if (workload.CompileCache)
        {
            env.Add(new V1EnvVar { Name = VllmCompileCacheKey.CacheRootVariable, Value = VllmCompileCacheManifests.CacheRoot });
        }

        return env;
    }

    /// <summary>Gets the replicas each zone's Deployment starts with: its share of the autoscaler's minimum, or of the declared replicas.</summary>
    /// <param name="workload">The workload.</param>
    /// <param name="zones">How many zones share the replicas.</param>
    /// <returns>The replicas per zone.</returns>
    internal static int ReplicasPerZone(GkeWorkload workload, int zones) => workload.Autoscaling is { } autoscaling
        ? ZoneShare(autoscaling.MinReplicas, autoscaling.MaxReplicas, zones).Min
        : ZoneShare(workload.Vllm.GetReplicaCount(), workload.Vllm.GetReplicaCount(), zones).Min;

    /// <summary>Gets the GPUs each vLLM pod requests: the pool's per-node count, or 0 without GPUs.</summary>
    /// <param name="workload">The workload.</param>
    /// <returns>The GPU count.</returns>
    internal static int Gpus(GkeWorkload workload) => workload.NodePool.Accelerator is null ? 0 : workload.NodePool.AcceleratorCount;

    /// <summary>Gets the mount of the shared-memory volume at <c>/dev/shm</c>.</summary>
    internal static V1VolumeMount SharedMemoryMount => new() { Name = "dshm", MountPath = "/dev/shm" };

    /// <summary>Gets the shared-memory volume: NCCL and PyTorch workers share tensors through /dev/shm; the container default of 64 MiB is too small.</summary>
    internal static V1Volume SharedMemoryVolume => new() { Name = "dshm", EmptyDir = new V1EmptyDirVolumeSource { Medium = "Memory" } };

    private static V1Probe HealthProbe(int periodSeconds, int failureThreshold) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = "/health", Port = VllmResource.HttpEndpointName },
        PeriodSeconds = periodSeconds,
        FailureThreshold = failureThreshold,
        TimeoutSeconds = 5,
    };
}
