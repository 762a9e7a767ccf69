using System.Globalization;
using k8s;
using k8s.Models;
using Aspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Autoscaling;

namespace VllmAspire.Hosting.Publishing;

/// <summary>Builds every Kubernetes object of a validated <see cref="GkePublishModel"/> with KubernetesClient's models.</summary>
public static class KubernetesManifestBuilder
{
    /// <summary>The official Cloud SDK image the weights-bake Job copies from Cloud Storage with.</summary>
    public const string CloudSdkImage = "gcr.io/google.com/cloudsdktool/google-cloud-cli:stable";

    /// <summary>Builds the objects, in apply order.</summary>
    /// <param name="model">The validated publish model.</param>
    /// <returns>The objects.</returns>
    public static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Build(GkePublishModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var target = model.Target;
        var ns = target.Namespace;
        var objects = new List<IKubernetesObject<V1ObjectMeta>>
        {
            new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = ns, Labels = KubernetesLabels.For(ns, model.Environment.Name, "namespace") } },
        };

        objects.AddRange(StandbyCapacityManifests.Build(model));
        foreach (var workload in model.Workloads)
        {
            objects.AddRange(WeightsObjects(workload, target));
            objects.AddRange(VllmObjects(workload, target, model.Environment.MetricsAdapter));
        }

        if (model.Workloads.Any(w => w.Autoscaling is not null))
        {
            objects.AddRange(model.Environment.MetricsAdapter == MetricsAdapterKind.VllmAspireShim ? ShimMetricsAdapterManifests.Build(model) : GoogleMetricsAdapterManifests.Build(ns));
        }

        return objects;
    }

    // A PersistentVolume for a Compute Engine disk that already exists, pre-bound to its claim (gcp.md §5.1). With a
    // read-ahead it is the serving volume: read-only, attached to many nodes; without, the bake's writable disk.
    private static IEnumerable<IKubernetesObject<V1ObjectMeta>> PreexistingDisk(GkeTarget target, string zone, string name, ResourceQuantity size,
        IDictionary<string, string> labels, int? readAheadKb)
    {
        var ns = target.Namespace;
        var readOnly = readAheadKb is not null;
        var accessMode = readOnly ? "ReadOnlyMany" : "ReadWriteOnce";
        yield return new V1PersistentVolume
        {
            ApiVersion = "v1", Kind = "PersistentVolume",
            Metadata = new V1ObjectMeta { Name = name, Labels = labels },
            Spec = new V1PersistentVolumeSpec
            {
                StorageClassName = "",
                Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = size },
                AccessModes = [accessMode],
                PersistentVolumeReclaimPolicy = "Retain",
                MountOptions = readAheadKb is { } kb ? [$"read_ahead_kb={kb.ToString(CultureInfo.InvariantCulture)}"] : null,
                ClaimRef = new V1ObjectReference { NamespaceProperty = ns, Name = name },
                Csi = new V1CSIPersistentVolumeSource
                {
                    Driver = "pd.csi.storage.gke.io",
                    VolumeHandle = $"projects/{target.Project}/zones/{zone}/disks/{name}",
                    FsType = "ext4",
                    ReadOnlyProperty = readOnly ? true : null,
                },
                NodeAffinity = ZoneAffinity(zone),
            },
        };
        yield return new V1PersistentVolumeClaim
        {
            ApiVersion = "v1", Kind = "PersistentVolumeClaim",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
            Spec = new V1PersistentVolumeClaimSpec
            {
                StorageClassName = "",
                VolumeName = name,
                AccessModes = [accessMode],
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = size } },
            },
        };
    }

    private static IEnumerable<IKubernetesObject<V1ObjectMeta>> WeightsObjects(GkeWorkload workload, GkeTarget target)
    {
        var ns = target.Namespace;
        var weights = workload.Weights.Name;
        var size = new ResourceQuantity($"{workload.Disk.SizeGb.ToString(CultureInfo.InvariantCulture)}Gi");

        // Compute Engine's sizeGb counts GiB, so the PV claims exactly the disk.
        // The serving volumes: per zone, the disk made from the baked image, attached read-only to many nodes (gcp.md §5.1).
        foreach (var zone in target.Zones)
        {
            foreach (var item in PreexistingDisk(target, zone, workload.WeightsVolumeName(zone), size, KubernetesLabels.ForWeights(ns, weights, "weights", workload.WeightsVersion), readAheadKb: workload.Disk.ReadAheadKb))
            {
                yield return item;
            }
        }

        // The bake: a Job copies the source into a pre-created writable disk, which then becomes the weights image.
        var bake = workload.BakeName;
        var bakeSize = new ResourceQuantity($"{workload.BakeDiskSizeGb.ToString(CultureInfo.InvariantCulture)}Gi");
        var bakeLabels = KubernetesLabels.ForWeights(ns, weights, "weights-bake", workload.WeightsVersion);
        yield return new V1ServiceAccount { ApiVersion = "v1", Kind = "ServiceAccount", Metadata = new V1ObjectMeta { Name = workload.BakeServiceAccountName, NamespaceProperty = ns, Labels = bakeLabels } };
        foreach (var item in PreexistingDisk(target, target.Zone, bake, bakeSize, bakeLabels, readAheadKb: null))
        {
            yield return item;
        }

        yield return BakeJob(workload, target, bakeLabels);
    }

    // The bake: the download copies the source onto the bake disk. With the compile cache it is an init container and
    // the warm-up (vLLM with the serving flags, on the GPU pool) runs after it against the fresh weights, so the cache
    // lands on the same disk and in the same image; without, the download is the Job's container and needs no GPU.
    private static V1Job BakeJob(GkeWorkload workload, GkeTarget target, Dictionary<string, string> labels)
    {
        var bake = workload.BakeName;
        var download = new V1Container
        {
            Name = "download",
            Image = CloudSdkImage,
            Command = ["gcloud", "storage", "cp", "--recursive", workload.Weights.Source!.TrimEnd('/') + "/*", "/weights/"],
            VolumeMounts = [new V1VolumeMount { Name = "weights", MountPath = "/weights" }],
        };
        var volumes = new List<V1Volume> { new() { Name = "weights", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = bake } } };
        V1PodSpec spec;
        if (workload.CompileCache)
        {
            spec = VllmDeploymentBuilder.GpuPodSpec(workload, target.Zone);
            spec.InitContainers = [download];
            spec.Containers = [VllmCompileCacheManifests.WarmupContainer(workload, "weights")];
            volumes.Add(VllmDeploymentBuilder.SharedMemoryVolume);
        }
        else
        {
            spec = new V1PodSpec { NodeSelector = new Dictionary<string, string> { ["topology.gke.io/zone"] = target.Zone }, Containers = [download] };
        }

        spec.ServiceAccountName = workload.BakeServiceAccountName;
        spec.RestartPolicy = "OnFailure";
        spec.Volumes = volumes;
        return new V1Job
        {
            ApiVersion = "batch/v1", Kind = "Job",
            Metadata = new V1ObjectMeta { Name = bake, NamespaceProperty = target.Namespace, Labels = labels },
            Spec = new V1JobSpec
            {
                BackoffLimit = 3,
                Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Labels = labels }, Spec = spec },
            },
        };
    }

    private static IEnumerable<IKubernetesObject<V1ObjectMeta>> VllmObjects(GkeWorkload workload, GkeTarget target, MetricsAdapterKind adapter)
    {
        var ns = target.Namespace;
        var name = workload.Vllm.Name;
        yield return new V1ServiceAccount
        {
            ApiVersion = "v1", Kind = "ServiceAccount",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = KubernetesLabels.ForWeights(ns, name, "inference-server", workload.WeightsVersion) },
        };
        foreach (var zone in target.Zones)
        {
            var deployment = VllmDeploymentBuilder.Build(workload, target, zone);
            foreach (var customization in workload.Vllm.Annotations.OfType<GkeWorkloadCustomizationAnnotation>())
            {
                customization.Configure(deployment);
            }

            yield return deployment;
        }

        yield return new V1Service
        {
            ApiVersion = "v1", Kind = "Service",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = KubernetesLabels.ForWeights(ns, name, "inference-server", workload.WeightsVersion) },
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                Selector = KubernetesLabels.Selector(ns, name),
                Ports = [new V1ServicePort { Name = VllmResource.HttpEndpointName, Port = VllmResource.ContainerPort, TargetPort = VllmResource.HttpEndpointName, Protocol = "TCP" }],
            },
        };
        yield return new PodMonitoring
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = KubernetesLabels.ForWeights(ns, name, "monitoring", workload.WeightsVersion) },
            Spec = new PodMonitoringSpec
            {
                Selector = new V1LabelSelector { MatchLabels = KubernetesLabels.Selector(ns, name) },
                Endpoints = [new PodMonitoringEndpoint { Port = VllmResource.HttpEndpointName, Path = "/metrics", Interval = "15s" }],
            },
        };

        if (workload.Autoscaling is { } autoscaling)
        {
            var metric = adapter == MetricsAdapterKind.GoogleStackdriver ? GoogleMetricsAdapterManifests.MetricName(autoscaling.Metric) : ShimMetricsAdapterManifests.MetricName(autoscaling.Metric);
            foreach (var zone in target.Zones)
            {
                yield return Autoscaler(workload, target, zone, autoscaling, metric);
            }
        }
    }

    // One HPA per Deployment (per zone). Each zone's replica range is the model's range split evenly, rounded up, so the
    // total never falls below minReplicas; zones scale independently on their own pods' average, which tracks the
    // others' because the Service spreads requests over every zone's pods.
    private static V2HorizontalPodAutoscaler Autoscaler(GkeWorkload workload, GkeTarget target, string zone, AutoscalingAnnotation autoscaling, string metric)
    {
        var ns = target.Namespace;
        var name = workload.DeploymentName(target, zone);
        var (min, max) = VllmDeploymentBuilder.ZoneShare(autoscaling.MinReplicas, autoscaling.MaxReplicas, target.Zones.Count);
        return new V2HorizontalPodAutoscaler
        {
            ApiVersion = "autoscaling/v2", Kind = "HorizontalPodAutoscaler",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = KubernetesLabels.ForWeights(ns, workload.Vllm.Name, "autoscaler", workload.WeightsVersion) },
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = name },
                MinReplicas = min,
                MaxReplicas = max,
                Metrics =
                [
                    new V2MetricSpec
                    {
                        Type = "Pods",
                        Pods = new V2PodsMetricSource
                        {
                            Metric = new V2MetricIdentifier { Name = metric },
                            Target = new V2MetricTarget { Type = "AverageValue", AverageValue = new ResourceQuantity(autoscaling.AverageValue.ToString(CultureInfo.InvariantCulture)) },
                        },
                    },
                ],
                Behavior = autoscaling.Behavior is { } behavior
                    ? new V2HorizontalPodAutoscalerBehavior { ScaleUp = Rules(behavior.ScaleUp), ScaleDown = Rules(behavior.ScaleDown) }
                    : new V2HorizontalPodAutoscalerBehavior
                    {
                        ScaleDown = new V2HPAScalingRules { StabilizationWindowSeconds = (int)autoscaling.ScaleDownStabilization.TotalSeconds },
                    },
            },
        };
    }

    // WithAutoscalingBehavior (or a recommendation) as the HPA spec has it; unset rules keep the controller's defaults.
    private static V2HPAScalingRules? Rules(HpaScalingRules? rules) => rules is null ? null : new V2HPAScalingRules
    {
        StabilizationWindowSeconds = rules.StabilizationWindowSeconds,
        SelectPolicy = rules.SelectPolicy?.ToString(),
        Policies = rules.Policies?.Select(p => new V2HPAScalingPolicy { Type = p.Type.ToString(), Value = p.Value, PeriodSeconds = p.PeriodSeconds }).ToList(),
        Tolerance = rules.Tolerance is { } t ? new ResourceQuantity(t.ToString(CultureInfo.InvariantCulture)) : null,
    };

    private static V1VolumeNodeAffinity ZoneAffinity(string zone) => new()
    {
        Required = new V1NodeSelector
        {
            NodeSelectorTerms =
            [
                new V1NodeSelectorTerm
                {
                    MatchExpressions = [new V1NodeSelectorRequirement { Key = "topology.gke.io/zone", OperatorProperty = "In", Values = [zone] }],
                },
            ],
        },
    };
}
