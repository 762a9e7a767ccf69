using VllmAspire.Contracts.Plan;
using VllmAspire.Provisioner.Gcp.Compute;
using VllmAspire.Provisioner.Gcp.Container;
using CreateNodePoolRequest = VllmAspire.Contracts.Plan.Container.CreateNodePoolRequest;

namespace VllmAspire.Provisioner.Stages.Gcp;

/// <summary>
/// Deletes the GCE disks and images and the GKE node pools of this app that the current plan no longer names: the
/// weights disks and images of an older weights version, an older image-cache image and its builder disk, and a node
/// pool whose configuration (so whose name) changed. It runs after every workload has rolled out healthily, so the new
/// pods already run on the new disks and pool. Only objects carrying the plan's <c>managed-by</c> and <c>app</c> labels
/// are considered; a disk still attached to an instance is waited for (up to <see cref="GcpStageOptions.ReadyTimeout"/>)
/// before it is deleted. Destroy does nothing here: the other stages delete their own objects.
/// </summary>
internal sealed class GcpPruneStage : GcpStage
{
    /// <summary>The stage's name.</summary>
    public const string StageName = "gcp-prune";

    // The labels every object of the app carries; the others (resource, weights-version) differ between versions.
    private static readonly string[] OwnershipLabelKeys = ["managed-by", "app"];

    private readonly string _project;
    private readonly IReadOnlyDictionary<string, string> _ours;
    private readonly HashSet<string> _plannedDisks;
    private readonly HashSet<string> _plannedImages;
    private readonly HashSet<string> _plannedPools;
    private readonly IReadOnlyList<string> _zones;
    private readonly IReadOnlyList<string> _clusters;

    /// <summary>Initializes a new instance of the <see cref="GcpPruneStage"/> class.</summary>
    /// <param name="plan">The current plan: what it names is kept.</param>
    /// <param name="dependsOn">The stages that must have finished first (every workload rollout).</param>
    /// <param name="options">The stage timings.</param>
    /// <exception cref="ArgumentException">The plan gives its objects no <c>managed-by</c> and <c>app</c> labels.</exception>
    public GcpPruneStage(GkePlan plan, IReadOnlyList<string> dependsOn, GcpStageOptions options)
        : base(StageName, dependsOn, [], options)
    {
        var requests = plan.Steps.Select(PlannedRequest.From).ToList();
        var disks = requests.Where(r => r.Step.ApiMethod == "compute.disks.insert").ToList();
        var images = requests.Where(r => r.Step.ApiMethod == "compute.images.insert").ToList();
        var pools = requests.Where(r => r.Step.ApiMethod == "container.projects.locations.clusters.nodePools.create")
            .Select(r => (Cluster: ClusterOf(r), Pool: r.As<CreateNodePoolRequest>().NodePool)).ToList();
        _project = plan.Project;
        _plannedDisks = [.. disks.Select(d => d.ComputeResourcePath)];
        _plannedImages = [.. images.Select(i => i.ComputeResourcePath)];
        _plannedPools = [.. pools.Select(p => $"{p.Cluster}/nodePools/{p.Pool.Name}")];
        _clusters = [.. pools.Select(p => p.Cluster).Append($"projects/{plan.Project}/locations/{plan.Location}/clusters/{plan.Cluster}").Distinct(StringComparer.Ordinal)];

        // Old disks may lie in any zone the app used: the planned disks' zones and the pools' node zones.
        _zones = [.. disks.Select(d => d.CollectionPath.Split('/')[3])
            .Concat(pools.SelectMany(p => p.Pool.Locations ?? []))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

        // Compute objects carry labels; node pools carry them as their nodes' resource labels.
        var labels = requests.Select(r => r.Labels).Concat(pools.Select(p => p.Pool.Config?.ResourceLabels ?? new Dictionary<string, string>()))
            .FirstOrDefault(l => OwnershipLabelKeys.All(l.ContainsKey));
        _ours = labels?.Where(l => OwnershipLabelKeys.Contains(l.Key)).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal)
            ?? throw new ArgumentException("No step of the plan labels its object with managed-by and app, so the prune could not tell this app's objects from others; republish the plan.", nameof(plan));
    }

    /// <inheritdoc />
    protected override async Task<StageResult> ReconcileCoreAsync(StageContext context, CancellationToken cancellationToken)
    {
        var pools = await StalePoolsAsync(context, cancellationToken).ConfigureAwait(false);
        var disks = await StaleComputeAsync(context, _zones.Select(z => $"projects/{_project}/zones/{z}/disks"), _plannedDisks, cancellationToken).ConfigureAwait(false);
        var images = await StaleComputeAsync(context, [$"projects/{_project}/global/images"], _plannedImages, cancellationToken).ConfigureAwait(false);
        List<string> stale = [.. pools, .. disks.Select(d => d.Path), .. images.Select(i => i.Path)];
        if (stale.Count == 0)
        {
            return new StageResult(StageOutcome.Unchanged, [], "nothing of an older plan is left");
        }

        if (context.DryRun)
        {
            var attached = disks.Where(d => d.Resource.Users is { Count: > 0 }).Select(d => $"{d.Path} (attached to {string.Join(", ", d.Resource.Users!)})").ToList();
            var note = attached.Count == 0 ? "" : $"; would first wait for {string.Join(", ", attached)} to be detached";
            return new StageResult(StageOutcome.Deleted, stale, $"would delete {string.Join(", ", stale)}{note}");
        }

        // Pools first: deleting an old pool drains its nodes, which detaches whatever old disk they still held.
        foreach (var pool in pools)
        {
            await DeletePoolAsync(context, pool, cancellationToken).ConfigureAwait(false);
        }

        // Together, so a disk that stays attached does not hold back the others or the images.
        await Task.WhenAll(disks.Select(d => DeleteDiskWhenDetachedAsync(context, d.Path, d.Resource, cancellationToken))
            .Concat(images.Select(i => DeleteComputeIfOursAsync(context, i.Path, _ours, cancellationToken)))).ConfigureAwait(false);
        return new StageResult(StageOutcome.Deleted, stale, $"deleted {string.Join(", ", stale)}");
    }

    /// <inheritdoc />
    protected override Task<StageResult> DestroyCoreAsync(StageContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new StageResult(StageOutcome.Unchanged, [], "nothing to do: the other stages delete their own objects"));

    private static string ClusterOf(PlannedRequest pool) => pool.CollectionPath["v1/".Length..^"/nodePools".Length];

    private static ContainerClient Container(StageContext context) => context.Services.GetRequiredService<ContainerClient>();

    private async Task<List<string>> StalePoolsAsync(StageContext context, CancellationToken cancellationToken)
    {
        var stale = new List<string>();
        foreach (var cluster in _clusters)
        {
            foreach (var pool in await Container(context).ListNodePoolsAsync(cluster, cancellationToken).ConfigureAwait(false))
            {
                var path = $"{cluster}/nodePools/{pool.Name}";
                if (!_plannedPools.Contains(path) && IsOurs(PlannedRequest.LabelsOf(pool.Config?["resourceLabels"]), _ours))
                {
                    stale.Add(path);
                }
            }
        }

        return stale;
    }

    private async Task<List<(string Path, ComputeResource Resource)>> StaleComputeAsync(StageContext context, IEnumerable<string> collections, HashSet<string> planned, CancellationToken cancellationToken)
    {
        // The filter narrows the listing; the label check below is what decides (a filter is no guarantee of ownership).
        var filter = string.Join(" ", _ours.Select(l => $"(labels.{l.Key} = \"{l.Value}\")"));
        var stale = new List<(string, ComputeResource)>();
        foreach (var collection in collections)
        {
            foreach (var resource in await Compute(context).ListAsync(collection, filter, cancellationToken).ConfigureAwait(false))
            {
                var path = $"{collection}/{resource.Name}";
                if (!planned.Contains(path) && IsOurs(resource.Labels, _ours))
                {
                    stale.Add((path, resource));
                }
            }
        }

        return stale;
    }

    private async Task DeletePoolAsync(StageContext context, string path, CancellationToken cancellationToken)
    {
        var split = path.IndexOf("/nodePools/", StringComparison.Ordinal);
        var (cluster, name) = (path[..split], path[(split + "/nodePools/".Length)..]);
        Report(context, $"deleting node pool {name} (GKE drains its nodes first)");
        if (await Container(context).DeleteNodePoolAsync(cluster, name, cancellationToken).ConfigureAwait(false) is { } operation)
        {
            await Container(context).WaitAsync(cluster, operation, path, OperationProgress(context), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DeleteDiskWhenDetachedAsync(StageContext context, string path, ComputeResource disk, CancellationToken cancellationToken)
    {
        var deadline = Time(context).GetUtcNow() + Options.ReadyTimeout;
        while (disk.Users is { Count: > 0 } users)
        {
            if (Time(context).GetUtcNow() > deadline)
            {
                throw new ProvisioningException(path, $"this disk of an older plan is still attached to {string.Join(", ", users)} after {Options.ReadyTimeout}, so it was not deleted",
                    "Something still mounts it: check that no pod uses its PersistentVolume (kubectl get volumeattachments) and that the instance is not yours to keep, then rerun the deploy to delete it.");
            }

            Report(context, $"waiting for {path} to be detached from {string.Join(", ", users)} before deleting it");
            await Task.Delay(Options.PollInterval, Time(context), cancellationToken).ConfigureAwait(false);
            if (await Compute(context).GetAsync(path, cancellationToken).ConfigureAwait(false) is not { } current)
            {
                return;
            }

            disk = current;
        }

        await DeleteComputeIfOursAsync(context, path, _ours, cancellationToken).ConfigureAwait(false);
    }
}
