using VllmAspire.Contracts.Plan;

namespace VllmAspire.Provisioner.Stages.Gcp;

/// <summary>Turns the GKE plan's steps into provisioning stages.</summary>
internal static class GcpStageFactory
{
    /// <summary>
    /// Creates one stage per plan step, except that the builder VM (<c>compute.instances.insert</c>), the disk it writes
    /// and the image made from that disk form one image-cache stage, which provides all three step IDs. Stage names are
    /// the step IDs (the image-cache stage is named after the builder step without <c>-builder</c>); dependencies are
    /// the steps' <c>dependsOn</c>: steps, the container images deploy pushes, and Kubernetes objects (<c>kubernetes/Kind/namespace/name</c>).
    /// </summary>
    /// <param name="plan">The plan published as <c>gke-plan.json</c>.</param>
    /// <param name="options">The stage timings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The image-cache stages, then the other stages in plan order.</returns>
    /// <exception cref="ArgumentException">A step calls a method no stage handles, or the builder's disk or image is missing.</exception>
    public static IReadOnlyList<IProvisioningStage> Create(GkePlan plan, GcpStageOptions? options = null)
    {
        options ??= new GcpStageOptions();
        var requests = plan.Steps.Select(PlannedRequest.From).ToList();
        var stages = new List<IProvisioningStage>();
        var grouped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var builder in requests.Where(r => r.Step.ApiMethod == "compute.instances.insert"))
        {
            var disk = requests.FirstOrDefault(r => r.Step.ApiMethod == "compute.disks.insert" && builder.Step.DependsOn.Steps.Contains(r.Step.Id))
                ?? throw new ArgumentException($"Plan step '{builder.Step.Id}' (builder VM) depends on no disk step; republish the plan.", nameof(plan));
            var image = requests.FirstOrDefault(r => r.Step.ApiMethod == "compute.images.insert" && r.Step.DependsOn.Steps.Contains(builder.Step.Id))
                ?? throw new ArgumentException($"No image step of the plan depends on the builder VM '{builder.Step.Id}'; republish the plan.", nameof(plan));
            PlannedRequest[] parts = [disk, builder, image];
            string[] ids = [.. parts.Select(r => r.Step.Id)];
            var dependsOn = parts.SelectMany(r => r.DependsOn).Except(ids).Distinct().ToList();
            var name = builder.Step.Id.EndsWith("-builder", StringComparison.Ordinal) ? builder.Step.Id[..^"-builder".Length] : builder.Step.Id;
            grouped.UnionWith(ids);
            stages.Add(new ImageCacheStage(name, disk, builder, image, dependsOn, options));
        }

        foreach (var request in requests.Where(r => !grouped.Contains(r.Step.Id)))
        {
            stages.Add(request.Step.ApiMethod switch
            {
                "compute.disks.insert" => new ComputeDiskStage(request, options),
                "compute.images.insert" => new ComputeImageStage(request, options),
                "container.projects.locations.clusters.nodePools.create" => new NodePoolStage(request, options),
                "cloudresourcemanager.projects.setIamPolicy" => new ProjectIamStage(request, options),
                _ => throw new ArgumentException($"Plan step '{request.Step.Id}' calls {request.Step.ApiMethod}, which no stage handles; republish the plan with this version of VllmAspire.", nameof(plan)),
            });
        }

        return stages;
    }

    /// <summary>
    /// Creates the prune stage (<see cref="GcpPruneStage.StageName"/>): after the rollout, it deletes this app's disks,
    /// images and node pools (found by the plan's <c>managed-by</c> and <c>app</c> labels) that the plan no longer names.
    /// </summary>
    /// <param name="plan">The plan published as <c>gke-plan.json</c>.</param>
    /// <param name="dependsOn">The stages it runs after: every Kubernetes workload stage and the HPA stage, so the new pods are healthy first.</param>
    /// <param name="options">The stage timings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The stage.</returns>
    /// <exception cref="ArgumentException">The plan gives its objects no <c>managed-by</c> and <c>app</c> labels, or a step's URL is not a Google API's.</exception>
    public static IProvisioningStage CreatePrune(GkePlan plan, IEnumerable<string> dependsOn, GcpStageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(dependsOn);
        return new GcpPruneStage(plan, [.. dependsOn], options ?? new GcpStageOptions());
    }
}
