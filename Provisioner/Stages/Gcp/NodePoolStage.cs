using System.Text.Json.Nodes;
using VllmAspire.Provisioner.Gcp;
using VllmAspire.Provisioner.Gcp.Container;
using CreateNodePoolRequest = VllmAspire.Contracts.Plan.Container.CreateNodePoolRequest;

namespace VllmAspire.Provisioner.Stages.Gcp;

/// <summary>
/// The GPU node pool with the image-cache secondary boot disk and image streaming. The plan names the pool after a
/// hash of its unchangeable configuration (<c>vllm-pool-3f2a9c1e</c>), and the Deployments select that name, so a new
/// image-cache image or machine type is a new pool: this stage creates the planned pool when it is missing and leaves
/// it alone when present; <see cref="GcpPruneStage"/> deletes the old pool after the rollout. A pool of ours left in
/// ERROR by a failed create is deleted and created again.
/// </summary>
/// <param name="request">The planned <c>nodePools.create</c>.</param>
/// <param name="options">The stage timings.</param>
internal sealed class NodePoolStage(PlannedRequest request, GcpStageOptions options)
    : GcpStage(request.Step.Id, request.DependsOn, [request.Step.Id], options)
{
    private readonly string _cluster = request.CollectionPath["v1/".Length..^"/nodePools".Length];
    private readonly CreateNodePoolRequest _create = request.As<CreateNodePoolRequest>();

    private string PoolName => _create.NodePool.Name;

    private IReadOnlyDictionary<string, string> Labels => _create.NodePool.Config?.ResourceLabels ?? new Dictionary<string, string>();

    /// <inheritdoc />
    protected override async Task<StageResult> ReconcileCoreAsync(StageContext context, CancellationToken cancellationToken)
    {
        var path = PoolPath(PoolName);
        var existing = await Container(context).GetNodePoolAsync(_cluster, PoolName, cancellationToken).ConfigureAwait(false);
        if (existing is not null && !IsOurs(ResourceLabels(existing), Labels))
        {
            throw NotOurs(path, Labels);
        }

        if (existing is { Status: "ERROR" } failed && !context.DryRun)
        {
            // A create that failed (a GPU stockout, a quota) leaves the pool in ERROR with no usable nodes: make it again.
            Report(context, $"node pool {PoolName} is in ERROR ({failed.StatusMessage}); deleting it to create it again");
            await DeletePoolAsync(context, cancellationToken).ConfigureAwait(false);
            existing = null;
        }

        if (existing is not null)
        {
            if (!context.DryRun)
            {
                await WaitUntilRunningAsync(context, cancellationToken).ConfigureAwait(false);
            }

            // The name carries the configuration hash, so a pool of this name has the planned node configuration.
            return StageResult.Unchanged(path);
        }

        if (context.DryRun)
        {
            return new StageResult(StageOutcome.Created, [path], $"would create pool {PoolName}");
        }

        Report(context, $"creating node pool {PoolName}");
        try
        {
            var operation = await Container(context).CreateNodePoolAsync(_cluster, (JsonObject)request.Body.DeepClone(), cancellationToken).ConfigureAwait(false);
            await Container(context).WaitAsync(_cluster, operation, path, OperationProgress(context), cancellationToken).ConfigureAwait(false);
        }
        catch (GcpApiException ex) when (ex.Error.IsAlreadyExists)
        {
            // A retried create whose first attempt went through: adopt the pool if it is ours.
            var adopted = await Container(context).GetNodePoolAsync(_cluster, PoolName, cancellationToken).ConfigureAwait(false);
            if (adopted is null || !IsOurs(ResourceLabels(adopted), Labels))
            {
                throw NotOurs(path, Labels);
            }
        }

        await WaitUntilRunningAsync(context, cancellationToken).ConfigureAwait(false);
        return new StageResult(StageOutcome.Created, [path], $"created pool {PoolName}");
    }

    /// <inheritdoc />
    protected override async Task<StageResult> DestroyCoreAsync(StageContext context, CancellationToken cancellationToken)
    {
        var path = PoolPath(PoolName);
        var existing = await Container(context).GetNodePoolAsync(_cluster, PoolName, cancellationToken).ConfigureAwait(false);
        if (existing is null || !IsOurs(ResourceLabels(existing), Labels))
        {
            return StageResult.Unchanged(path);
        }

        if (context.DryRun)
        {
            return new StageResult(StageOutcome.Deleted, [path], $"would delete pool {PoolName}");
        }

        await DeletePoolAsync(context, cancellationToken).ConfigureAwait(false);
        return new StageResult(StageOutcome.Deleted, [path], $"deleted pool {PoolName}");
    }

    private static ContainerClient Container(StageContext context) => context.Services.GetRequiredService<ContainerClient>();

    private static IReadOnlyDictionary<string, string> ResourceLabels(NodePool pool) => PlannedRequest.LabelsOf(pool.Config?["resourceLabels"]);

    private async Task DeletePoolAsync(StageContext context, CancellationToken cancellationToken)
    {
        Report(context, $"deleting node pool {PoolName}");
        if (await Container(context).DeleteNodePoolAsync(_cluster, PoolName, cancellationToken).ConfigureAwait(false) is { } operation)
        {
            await Container(context).WaitAsync(_cluster, operation, PoolPath(PoolName), OperationProgress(context), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WaitUntilRunningAsync(StageContext context, CancellationToken cancellationToken)
    {
        var name = PoolName;
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
