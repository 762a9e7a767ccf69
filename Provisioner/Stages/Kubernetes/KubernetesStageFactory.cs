using k8s.Models;
using VllmAspire.Contracts.Plan;
using VllmAspire.Provisioner.Kubernetes;

namespace VllmAspire.Provisioner.Stages.Kubernetes;

/// <summary>
/// Groups the published Kubernetes objects into stages and ties them to the GKE plan's steps:
/// <list type="bullet">
/// <item><c>kubernetes-base</c>: namespaces, service accounts, RBAC, the standby placeholders' PriorityClass.</item>
/// <item><c>weights-bake-{weights}</c> (named by the weights, not their version, so a model update reconciles the same stage): the bake PV, PVC and Job (waits for the Job).</item>
/// <item><c>weights-volumes-{weights}</c>: the per-zone read-only PVs and PVCs (waits until bound).</item>
/// <item><c>workload-{app}</c>: an app's Deployments (one, or one per zone) with its Services and PodMonitorings (waits for the rollouts, then reports pod start-up); after its weights volumes and the plan's container images its pods run.</item>
/// <item><c>metrics-adapter</c>: the adapter's Deployment, Service and APIServices; after its container image when the plan builds it.</item>
/// <item><c>standby-capacity</c>: the node pools' placeholder Deployments (<c>WithStandbyCapacity</c>): after their pool; no
/// start-up report and no prune, as they serve nothing and hold no weights.</item>
/// <item><c>hpa</c>: the autoscalers; after the workloads they scale and the metrics adapter.</item>
/// </list>
/// Each stage also waits for every plan step that names one of its objects in <see cref="GkePlanStep.RequiredBy"/>: the
/// disk behind a PersistentVolume, the node pool of a Deployment, the IAM grant of a Job's or Deployment's account.
/// Objects are grouped by their <c>app.kubernetes.io/component</c> and <c>app.kubernetes.io/name</c> labels, as publish writes them.
/// </summary>
internal static class KubernetesStageFactory
{
    /// <summary>The base stage's name.</summary>
    public const string BaseStage = "kubernetes-base";

    /// <summary>The metrics adapter stage's name.</summary>
    public const string MetricsAdapterStage = "metrics-adapter";

    /// <summary>The prefix of the workload stages' names (<c>workload-{app}</c>).</summary>
    public const string WorkloadStagePrefix = "workload-";

    /// <summary>The standby placeholders' stage name.</summary>
    public const string StandbyCapacityStage = "standby-capacity";

    /// <summary>The autoscaler stage's name.</summary>
    public const string AutoscalerStage = "hpa";

    private const string ComponentLabel = "app.kubernetes.io/component";
    private const string NameLabel = "app.kubernetes.io/name";

    // The component label publish gives the placeholder pods of WithStandbyCapacity.
    private const string StandbyCapacityComponent = "standby-capacity";

    private static readonly HashSet<KubernetesKind> BaseKinds =
        [KubernetesKinds.Namespace, KubernetesKinds.ServiceAccount, KubernetesKinds.ClusterRole, KubernetesKinds.ClusterRoleBinding, KubernetesKinds.Role, KubernetesKinds.RoleBinding, KubernetesKinds.PriorityClass];

    /// <summary>Creates the Kubernetes stages of a deployment.</summary>
    /// <param name="manifests">The published objects.</param>
    /// <param name="plan">The published GKE plan.</param>
    /// <returns>The stages, in an order that respects their dependencies.</returns>
    /// <exception cref="InvalidOperationException">An object fits no stage (a kind or component publish does not write).</exception>
    public static IReadOnlyList<KubernetesObjectsStage> Create(ManifestSet manifests, GkePlan plan)
    {
        var requiredBy = plan.Steps.SelectMany(s => s.RequiredBy.Select(o => (o.Key, Step: s.Id))).ToLookup(e => e.Key, e => e.Step, StringComparer.Ordinal);
        IEnumerable<string> PlanSteps(IEnumerable<ManifestObject> objects) => objects.SelectMany(o => requiredBy[o.Key]);
        var placed = new HashSet<ManifestObject>();
        var stages = new List<KubernetesObjectsStage>();
        List<ManifestObject> Take(Func<ManifestObject, bool> predicate)
        {
            var taken = manifests.Objects.Where(o => !placed.Contains(o) && predicate(o)).ToList();
            placed.UnionWith(taken);
            return taken;
        }

        var baseObjects = Take(o => BaseKinds.Contains(o.Kind));
        if (baseObjects.Count > 0)
        {
            stages.Add(new KubernetesObjectsStage(BaseStage, baseObjects, [.. PlanSteps(baseObjects).Distinct()]));
        }

        string[] afterBase = baseObjects.Count > 0 ? [BaseStage] : [];

        foreach (var job in manifests.OfKind(KubernetesKinds.Job).Where(o => Component(o) == "weights-bake"))
        {
            var weights = NameOf(job);
            var objects = Take(o => Component(o) == "weights-bake" && NameOf(o) == weights);
            stages.Add(new KubernetesObjectsStage($"weights-bake-{weights}", objects, [.. afterBase, .. PlanSteps(objects).Distinct()]));
        }

        var claimStages = new Dictionary<string, string>();
        foreach (var weights in manifests.OfKind(KubernetesKinds.PersistentVolume).Where(o => Component(o) == "weights").Select(NameOf).Distinct())
        {
            var name = $"weights-volumes-{weights}";
            var objects = Take(o => Component(o) == "weights" && NameOf(o) == weights && (o.Kind == KubernetesKinds.PersistentVolume || o.Kind == KubernetesKinds.PersistentVolumeClaim));
            foreach (var claim in objects.Where(o => o.Kind == KubernetesKinds.PersistentVolumeClaim))
            {
                claimStages[$"{claim.Namespace}/{claim.Name}"] = name;
            }

            stages.Add(new KubernetesObjectsStage(name, objects, [.. afterBase, .. PlanSteps(objects).Distinct()]));
        }

        var adapterObjects = Take(o => Component(o) == "metrics-adapter" && o.Kind != KubernetesKinds.HorizontalPodAutoscaler);
        if (adapterObjects.Count > 0)
        {
            var adapterImages = adapterObjects.Where(o => o.Kind == KubernetesKinds.Deployment)
                .SelectMany(d => BuiltImages(((V1Deployment)d.Object).Spec.Template.Spec, plan));
            stages.Add(new KubernetesObjectsStage(MetricsAdapterStage, adapterObjects, [.. afterBase, .. PlanSteps(adapterObjects).Distinct(), .. adapterImages.Distinct()]));
        }

        // Before the workloads, which would otherwise take these Deployments as an app of their own, with a start-up
        // report and a prune of retired weights that must wait for vLLM's rollout.
        var placeholders = Take(o => Component(o) == StandbyCapacityComponent && o.Kind == KubernetesKinds.Deployment);
        if (placeholders.Count > 0)
        {
            stages.Add(new KubernetesObjectsStage(StandbyCapacityStage, placeholders, [.. afterBase, .. PlanSteps(placeholders).Distinct()]));
        }

        var autoscaled = manifests.OfKind(KubernetesKinds.HorizontalPodAutoscaler)
            .Select(h => (Hpa: h, Target: ((V2HorizontalPodAutoscaler)h.Object).Spec.ScaleTargetRef))
            .Where(t => t.Target.Kind == KubernetesKinds.Deployment.Kind)
            .Select(t => ManifestObject.KeyOf(KubernetesKinds.Deployment, t.Hpa.Namespace, t.Target.Name))
            .ToHashSet();
        var workloadStages = new Dictionary<string, string>();
        // Multi-zone publishes one Deployment per zone (vllm-<zone>), all with the app's name label and one shared
        // Service and PodMonitoring: they form one stage, applied together so the zones roll out side by side.
        foreach (var app in manifests.OfKind(KubernetesKinds.Deployment).Where(o => !placed.Contains(o)).GroupBy(o => (o.Namespace, App: NameOf(o))).ToList())
        {
            var deployments = app.ToList();
            var objects = Take(o => deployments.Contains(o) || (o.Namespace == app.Key.Namespace && NameOf(o) == app.Key.App
                && (o.Kind == KubernetesKinds.Service || o.Kind == KubernetesKinds.PodMonitoring)));
            var dependsOn = new List<string>(afterBase);
            foreach (var deployment in deployments)
            {
                var podSpec = ((V1Deployment)deployment.Object).Spec.Template.Spec;
                var claims = (podSpec.Volumes ?? []).Where(v => v.PersistentVolumeClaim is not null)
                    .Select(v => claimStages.GetValueOrDefault($"{deployment.Namespace}/{v.PersistentVolumeClaim.ClaimName}")).OfType<string>();
                dependsOn.AddRange([.. claims, .. PlanSteps([deployment]), .. BuiltImages(podSpec, plan)]);
            }

            var name = $"{WorkloadStagePrefix}{app.Key.App}";
            foreach (var deployment in deployments)
            {
                workloadStages[$"{deployment.Namespace}/{deployment.Name}"] = name;
            }

            stages.Add(new KubernetesObjectsStage(
                name,
                objects,
                [.. dependsOn.Distinct()],
                reportStartup: true,
                retiredVolumes: RetiredVolumesOf(manifests, deployments[0]),
                autoscaled: autoscaled));
        }

        var autoscalers = Take(o => o.Kind == KubernetesKinds.HorizontalPodAutoscaler);
        if (autoscalers.Count > 0)
        {
            var targets = autoscalers.Select(h => workloadStages.GetValueOrDefault($"{h.Namespace}/{((V2HorizontalPodAutoscaler)h.Object).Spec.ScaleTargetRef.Name}")).OfType<string>();
            string[] adapter = adapterObjects.Count > 0 ? [MetricsAdapterStage] : [];
            stages.Add(new KubernetesObjectsStage(AutoscalerStage, autoscalers, [.. afterBase, .. targets.Distinct(), .. adapter, .. PlanSteps(autoscalers).Distinct()]));
        }

        var unplaced = manifests.Objects.Where(o => !placed.Contains(o)).Select(o => $"{o.Key} ({o.File})").ToList();
        if (unplaced.Count > 0)
        {
            throw new InvalidOperationException($"No provisioning stage takes {string.Join(", ", unplaced)}: publish writes no such object; republish with this version of VllmAspire.");
        }

        return stages;
    }

    // The images of ours (the plan's containerImages, built and pushed by deploy's image stages) a pod runs: its stage
    // depends on them, so no pod is created before its image is in the registry.
    private static IEnumerable<string> BuiltImages(V1PodSpec podSpec, GkePlan plan)
    {
        var built = plan.ContainerImages.Select(i => i.Reference).ToHashSet(StringComparer.Ordinal);
        return (podSpec.InitContainers ?? []).Concat(podSpec.Containers ?? []).Select(c => c.Image).Where(built.Contains);
    }

    // Weights claims of the same app that the manifests no longer publish (a model update), to delete after the rollout.
    private static RetiredVolumes RetiredVolumesOf(ManifestSet manifests, ManifestObject deployment)
    {
        var partOf = deployment.Labels.TryGetValue("app.kubernetes.io/part-of", out var p) ? p : deployment.Name;
        var current = manifests.OfKind(KubernetesKinds.PersistentVolumeClaim).Where(o => Component(o) == "weights").Select(o => o.Key).ToHashSet();
        return new RetiredVolumes($"app.kubernetes.io/managed-by={KubernetesOperations.FieldManager},app.kubernetes.io/part-of={partOf},{ComponentLabel}=weights", current);
    }

    private static string? Component(ManifestObject o) => o.Labels.TryGetValue(ComponentLabel, out var c) ? c : null;

    private static string NameOf(ManifestObject o) => o.Labels.TryGetValue(NameLabel, out var n) ? n : o.Name;
}
