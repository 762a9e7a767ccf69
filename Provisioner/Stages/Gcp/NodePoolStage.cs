using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using VllmAspire.Provisioner.Gcp;
using VllmAspire.Provisioner.Gcp.Container;

namespace VllmAspire.Provisioner.Stages.Gcp;

/// <summary>
/// The GPU node pool with the image-cache secondary boot disk and image streaming. A pool's node configuration
/// (secondary boot disks, machine type, accelerators, boot disk) cannot be updated (reference/gcp.md §1.5), so when
/// the plan's differs from the pool's, a new pool is created under a derived name (<c>{name}-{hash}</c>) and the old
/// one is kept until the workload has moved: the runner then calls <see cref="DeleteOldPoolsAsync"/>. A pool of ours
/// left in ERROR by a failed create is deleted and created again.
/// </summary>
/// <param name="request">The planned <c>nodePools.create</c>.</param>
/// <param name="options">The stage timings.</param>
internal sealed class NodePoolStage(PlannedRequest request, GcpStageOptions options)
    : GcpStage(request.Step.Id, request.Step.DependsOn, [request.Step.Id], options)
{
    // GKE limits pool names to 40 characters; "-" and 6 hex digits follow the base name.
    private const int MaxPoolName = 40;

    // The node configuration fields a pool cannot change in place.
    private static readonly string[] ImmutableConfigFields = ["machineType", "diskType", "diskSizeGb", "imageType", "accelerators", "secondaryBootDisks"];

    private readonly string _cluster = request.CollectionPath["v1/".Length..^"/nodePools".Length];
    private readonly JsonObject _pool = request.Body["nodePool"] as JsonObject ?? throw new ArgumentException($"Plan step '{request.Step.Id}' has no nodePool; republish the plan.");

    /// <summary>Gets the name of the pool that matches the plan, once a reconcile found or created it; the workload's node selector names it.</summary>
    public string? CurrentPoolName { get; private set; }

    /// <summary>Gets the pools of ours that no longer match the plan, found by the last reconcile; delete them with <see cref="DeleteOldPoolsAsync"/> once the workload runs on <see cref="CurrentPoolName"/>.</summary>
    public IReadOnlyList<string> OldPoolNames { get; private set; } = [];

    private string BaseName => (string)_pool["name"]!;

    private IReadOnlyDictionary<string, string> Labels => PlannedRequest.LabelsOf(_pool["config"]?["resourceLabels"]);

    /// <summary>
    /// Deletes our pools (same base name, our resource labels) whose configuration differs from the plan's. Call it
    /// after the rollout onto <see cref="CurrentPoolName"/> is healthy; with a dry run it only reports.
    /// </summary>
    /// <param name="context">The run's context.</param>
    /// <param name="cancellationToken">Cancels the deletes.</param>
    /// <returns>What was deleted.</returns>
    public async Task<StageResult> DeleteOldPoolsAsync(StageContext context, CancellationToken cancellationToken)
    {
        try
        {
            var old = (await ListOursAsync(context, cancellationToken).ConfigureAwait(false)).Where(p => !Matches(p)).Select(p => p.Name).ToList();
            return await DeletePoolsAsync(context, old, cancellationToken).ConfigureAwait(false);
        }
        catch (GcpApiException ex)
        {
            throw ex.ToProvisioningException();
        }
    }

    /// <inheritdoc />
    protected override async Task<StageResult> ReconcileCoreAsync(StageContext context, CancellationToken cancellationToken)
    {
        var pools = await Container(context).ListNodePoolsAsync(_cluster, cancellationToken).ConfigureAwait(false);
        if (pools.FirstOrDefault(p => p.Name == BaseName) is { } sameName && !IsOurs(ResourceLabels(sameName), Labels))
        {
            throw NotOurs($"{_cluster}/nodePools/{BaseName}", Labels);
        }

        var ours = pools.Where(IsOursByName).ToList();
        var current = ours.FirstOrDefault(Matches);
        if (current is { Status: "ERROR" } failed && !context.DryRun)
        {
            // A create that failed (a GPU stockout, a quota) leaves the pool in ERROR with no usable nodes: make it again.
            Report(context, $"node pool {failed.Name} is in ERROR ({failed.StatusMessage}); deleting it to create it again");
            await DeletePoolsAsync(context, [failed.Name], cancellationToken).ConfigureAwait(false);
            pools = pools.Where(p => p != failed).ToList();
            ours.Remove(failed);
            current = null;
        }

        OldPoolNames = ours.Where(p => p != current).Select(p => p.Name).ToList();
        var oldNote = OldPoolNames.Count == 0 ? "" : $"; old pool(s) {string.Join(", ", OldPoolNames)} must be drained and deleted once the workload runs on the new pool";
        if (current is not null)
        {
            CurrentPoolName = current.Name;
            if (!context.DryRun)
            {
                await WaitUntilRunningAsync(context, current.Name, cancellationToken).ConfigureAwait(false);
            }

            return new StageResult(StageOutcome.Unchanged, [PoolPath(current.Name)], $"pool {current.Name} up to date{oldNote}");
        }

        // The first pool takes the planned name; a replacement gets a name derived from its configuration, so a rerun finds it.
        var name = ours.Count == 0 && pools.All(p => p.Name != BaseName) ? BaseName : ReplacementName();
        var outcome = ours.Count == 0 ? StageOutcome.Created : StageOutcome.Changed;
        if (context.DryRun)
        {
            return new StageResult(outcome, [PoolPath(name)], $"would create pool {name}{oldNote}");
        }

        var body = (JsonObject)request.Body.DeepClone();
        body["nodePool"]!["name"] = name;
        Report(context, $"creating node pool {name}");
        try
        {
            var operation = await Container(context).CreateNodePoolAsync(_cluster, body, cancellationToken).ConfigureAwait(false);
            await Container(context).WaitAsync(_cluster, operation, PoolPath(name), OperationProgress(context), cancellationToken).ConfigureAwait(false);
        }
        catch (GcpApiException ex) when (ex.Error.IsAlreadyExists)
        {
            // A retried create whose first attempt went through: adopt the pool if it is ours and as planned.
            var adopted = await Container(context).GetNodePoolAsync(_cluster, name, cancellationToken).ConfigureAwait(false);
            if (adopted is null || !IsOurs(ResourceLabels(adopted), Labels) || !Matches(adopted))
            {
                throw NotOurs(PoolPath(name), Labels);
            }
        }

        await WaitUntilRunningAsync(context, name, cancellationToken).ConfigureAwait(false);
        CurrentPoolName = name;
        return new StageResult(outcome, [PoolPath(name)], $"created pool {name}{oldNote}");
    }

    /// <inheritdoc />
    protected override async Task<StageResult> DestroyCoreAsync(StageContext context, CancellationToken cancellationToken)
    {
        var ours = (await ListOursAsync(context, cancellationToken).ConfigureAwait(false)).Select(p => p.Name).ToList();
        return await DeletePoolsAsync(context, ours, cancellationToken).ConfigureAwait(false);
    }

    private static ContainerClient Container(StageContext context) => context.Services.GetRequiredService<ContainerClient>();

    private static IReadOnlyDictionary<string, string> ResourceLabels(NodePool pool) => PlannedRequest.LabelsOf(pool.Config?["resourceLabels"]);

    private async Task<List<NodePool>> ListOursAsync(StageContext context, CancellationToken cancellationToken) =>
        (await Container(context).ListNodePoolsAsync(_cluster, cancellationToken).ConfigureAwait(false)).Where(IsOursByName).ToList();

    private async Task<StageResult> DeletePoolsAsync(StageContext context, List<string> names, CancellationToken cancellationToken)
    {
        if (names.Count == 0)
        {
            return StageResult.Unchanged(PoolPath(BaseName));
        }

        if (context.DryRun)
        {
            return new StageResult(StageOutcome.Deleted, names.Select(PoolPath).ToList(), $"would delete pool(s) {string.Join(", ", names)}");
        }

        // GKE runs one node-pool operation per cluster at a time, so the deletes go one after another.
        foreach (var name in names)
        {
            Report(context, $"deleting node pool {name}");
            if (await Container(context).DeleteNodePoolAsync(_cluster, name, cancellationToken).ConfigureAwait(false) is { } operation)
            {
                await Container(context).WaitAsync(_cluster, operation, PoolPath(name), OperationProgress(context), cancellationToken).ConfigureAwait(false);
            }
        }

        OldPoolNames = OldPoolNames.Except(names).ToList();
        return new StageResult(StageOutcome.Deleted, names.Select(PoolPath).ToList(), $"deleted pool(s) {string.Join(", ", names)}");
    }

    private bool IsOursByName(NodePool pool) =>
        (pool.Name == BaseName || pool.Name.StartsWith(BaseName[..Math.Min(BaseName.Length, MaxPoolName - 7)] + "-", StringComparison.Ordinal) && pool.Name.Length <= MaxPoolName)
        && IsOurs(ResourceLabels(pool), Labels);

    private bool Matches(NodePool pool) =>
        ImmutableConfigFields.All(field => _pool["config"]?[field] is not { } planned || JsonNode.DeepEquals(planned, pool.Config?[field]));

    private string ReplacementName()
    {
        var config = new JsonObject();
        foreach (var field in ImmutableConfigFields)
        {
            config[field] = _pool["config"]?[field]?.DeepClone();
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(config.ToJsonString())))[..6];
        return $"{BaseName[..Math.Min(BaseName.Length, MaxPoolName - 7)]}-{hash}";
    }

    private async Task WaitUntilRunningAsync(StageContext context, string name, CancellationToken cancellationToken)
    {
        var deadline = Time(context).GetUtcNow() + Options.ReadyTimeout;
        while (true)
        {
            var pool = await Container(context).GetNodePoolAsync(_cluster, name, cancellationToken).ConfigureAwait(false)
                ?? throw new ProvisioningException(PoolPath(name), "the node pool disappeared while it was being created", "Rerun the deploy to create it again.");
            switch (pool.Status)
            {
                case "RUNNING":
                    return;
                case "RUNNING_WITH_ERROR" or "ERROR" or "STOPPING":
                    throw new ProvisioningException(PoolPath(name), $"the node pool is {pool.Status}: {pool.StatusMessage}", "Check the pool's conditions in the Cloud console (a GPU stockout or quota, say); choose another zone or machine type, delete the pool with 'destroy', and rerun.");
            }

            if (Time(context).GetUtcNow() > deadline)
            {
                throw new ProvisioningException(PoolPath(name), $"still {pool.Status} after {Options.ReadyTimeout}", "Check the pool in the Cloud console, then rerun the deploy.");
            }

            Report(context, $"node pool {name} is {pool.Status}");
            await Task.Delay(Options.PollInterval, Time(context), cancellationToken).ConfigureAwait(false);
        }
    }

    private string PoolPath(string name) => $"{_cluster}/nodePools/{name}";
}
