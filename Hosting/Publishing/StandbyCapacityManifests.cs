using System.Globalization;
using k8s;
using k8s.Models;
using Aspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Publishing;

/// <summary>
/// Standby capacity of a node pool (<c>WithStandbyCapacity</c>) as low-priority placeholder pods: a PriorityClass with
/// a negative value and, per pool and zone, a Deployment of pause pods that each request a whole node's GPUs. The
/// cluster autoscaler keeps a node for each; a vLLM pod (priority 0) pre-empts one and starts on its node at once, and
/// the evicted placeholder, pending again, makes the autoscaler bring up a replacement node in the background.
/// <para>
/// Why not GKE's CapacityBuffer (docs/reference/capacity-buffer.md): its standby strategy needs GKE 1.36.0-gke.2253000
/// and node auto-provisioning, while these pools are explicit, and GKE's pages do not state the served API version
/// (upstream is <c>autoscaling.x-k8s.io/v1alpha1</c>); placeholder pods work on every version.
/// </para>
/// </summary>
public static class StandbyCapacityManifests
{
    /// <summary>
    /// The placeholders' priority: below every real pod (0 by default) so any of them pre-empts a placeholder, and not
    /// below the cluster autoscaler's default expendable cutoff (-10), under which pending pods never trigger a scale-up.
    /// </summary>
    public const int PlaceholderPriority = -1;

    /// <summary>The placeholders' image: the pause container, which only sleeps.</summary>
    public const string PauseImage = "registry.k8s.io/pause:3.10";

    /// <summary>The <c>app.kubernetes.io/component</c> of the placeholder objects.</summary>
    public const string Component = "standby-capacity";

    /// <summary>Gets the PriorityClass's name (cluster-scoped, so it carries the namespace).</summary>
    /// <param name="target">The GKE target.</param>
    /// <returns>The name.</returns>
    public static string PriorityClassName(GkeTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return $"{target.Namespace}-standby";
    }

    /// <summary>Gets the name of a pool's placeholder Deployment in a zone (one per zone when the target has several).</summary>
    /// <param name="target">The GKE target.</param>
    /// <param name="pool">The declared pool's name.</param>
    /// <param name="zone">The zone.</param>
    /// <returns>The name.</returns>
    public static string DeploymentName(GkeTarget target, string pool, string zone)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.IsMultiZone ? $"{pool}-standby-{zone}" : $"{pool}-standby";
    }

    /// <summary>
    /// Checks every pool with standby capacity: it has GPUs, a vLLM runs on it, and its <c>maxNodes</c> (the pool's
    /// total over its zones) holds, in every zone, the vLLM's minimum replicas and the standby nodes.
    /// </summary>
    /// <param name="environment">The environment.</param>
    /// <param name="workloads">The resolved vLLM workloads.</param>
    /// <param name="zones">How many zones the pool spans.</param>
    /// <param name="errors">Where problems are added.</param>
    internal static void Validate(GkeEnvironmentResource environment, IReadOnlyList<GkeWorkload> workloads, int zones, List<string> errors)
    {
        foreach (var pool in environment.NodePoolResources.Where(p => p.StandbyCapacity is not null))
        {
            var standby = pool.StandbyCapacity!.NodesPerZone;
            var configuration = pool.Configuration;
            var setting = $"Node pool '{pool.Name}' has WithStandbyCapacity(nodesPerZone: {standby})";
            if (configuration.Accelerator is null)
            {
                errors.Add($"{setting}, but no GPU: the standby nodes are kept for vLLM pods, which need one. Give AddNodePool an accelerator or remove WithStandbyCapacity().");
                continue;
            }

            var served = workloads.Where(w => w.NodePool.Name == pool.Name).ToList();
            if (served.Count == 0)
            {
                errors.Add($"{setting}, but no vLLM runs on it: the warm nodes would wait for nothing. Place a vLLM on it with WithNodePool(pool) or remove WithStandbyCapacity().");
                continue;
            }

            // Each vLLM pod takes all of a node's GPUs, so a node each; the placeholders need theirs on top.
            var minimum = served.Sum(w => VllmDeploymentBuilder.ReplicasPerZone(w, zones));
            var needed = (minimum + standby) * zones;
            if (needed > configuration.MaxNodes)
            {
                errors.Add($"{setting}, but its maxNodes ({configuration.MaxNodes}) cannot hold them beside the vLLM's minimum replicas: {zones} zone(s) × ({minimum} serving + {standby} standby) = {needed} nodes. Raise maxNodes in AddNodePool to at least {needed} or lower nodesPerZone.");
            }
        }
    }

    /// <summary>Builds the PriorityClass and the placeholder Deployments of every pool with standby capacity.</summary>
    /// <param name="model">The validated publish model.</param>
    /// <returns>The objects, none when no pool has standby capacity.</returns>
    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Build(GkePublishModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var target = model.Target;
        var pools = model.Environment.NodePoolResources.Where(p => p.StandbyCapacity is not null).ToList();
        if (pools.Count == 0)
        {
            yield break;
        }

        yield return new V1PriorityClass
        {
            ApiVersion = "scheduling.k8s.io/v1", Kind = "PriorityClass",
            Metadata = new V1ObjectMeta { Name = PriorityClassName(target), Labels = KubernetesLabels.For(target.Namespace, model.Environment.Name, Component) },
            Value = PlaceholderPriority,
            GlobalDefault = false,
            // A placeholder never evicts anything; real pods evict placeholders.
            PreemptionPolicy = "Never",
            Description = "Placeholder pods that keep warm GPU nodes for vLLM scale-outs (WithStandbyCapacity); every real pod pre-empts them.",
        };
        foreach (var pool in pools)
        {
            // Validation put a vLLM on every such pool: its GKE pool name carries the configuration hash.
            var nodePoolName = model.Workloads.First(w => w.NodePool.Name == pool.Name).NodePoolName;
            foreach (var zone in target.Zones)
            {
                yield return Placeholders(target, pool, nodePoolName, zone);
            }
        }
    }

    private static V1Deployment Placeholders(GkeTarget target, GkeNodePoolResource pool, string nodePoolName, string zone)
    {
        var configuration = pool.Configuration;
        var labels = KubernetesLabels.For(target.Namespace, pool.Name + "-standby", Component);
        var selector = KubernetesLabels.Selector(target.Namespace, pool.Name + "-standby");
        if (target.IsMultiZone)
        {
            labels[VllmDeploymentBuilder.ZoneLabel] = zone;
            selector[VllmDeploymentBuilder.ZoneLabel] = zone;
        }

        var gpus = new Dictionary<string, ResourceQuantity> { ["nvidia.com/gpu"] = new(configuration.AcceleratorCount.ToString(CultureInfo.InvariantCulture)) };
        return new V1Deployment
        {
            ApiVersion = "apps/v1", Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = DeploymentName(target, pool.Name, zone), NamespaceProperty = target.Namespace, Labels = labels },
            Spec = new V1DeploymentSpec
            {
                Replicas = pool.StandbyCapacity!.NodesPerZone,
                Selector = new V1LabelSelector { MatchLabels = selector },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec
                    {
                        PriorityClassName = PriorityClassName(target),
                        // Pre-emption should free the node at once: pause has nothing to drain.
                        TerminationGracePeriodSeconds = 0,
                        AutomountServiceAccountToken = false,
                        NodeSelector = new Dictionary<string, string>
                        {
                            ["cloud.google.com/gke-nodepool"] = nodePoolName,
                            ["topology.gke.io/zone"] = zone,
                        },
                        Tolerations = [new V1Toleration { Key = "nvidia.com/gpu", OperatorProperty = "Exists", Effect = "NoSchedule" }],
                        Containers =
                        [
                            new V1Container
                            {
                                Name = "placeholder",
                                Image = PauseImage,
                                // A whole node's GPUs: one placeholder holds one node, which a vLLM pod (same request) fits exactly.
                                Resources = new V1ResourceRequirements { Requests = gpus, Limits = new Dictionary<string, ResourceQuantity>(gpus) },
                                SecurityContext = new V1SecurityContext { AllowPrivilegeEscalation = false, RunAsNonRoot = true, RunAsUser = 65535 },
                            },
                        ],
                    },
                },
            },
        };
    }
}
