namespace VllmAspire.Provisioner.Stages.Gcp;

/// <summary>
/// A planned Compute disk (<c>compute.disks.insert</c>): the bake disk, or a per-zone weights disk from an image. A
/// disk of the planned name that carries our labels is left as it is.
/// </summary>
/// <param name="request">The planned insert.</param>
/// <param name="options">The stage timings.</param>
internal sealed class ComputeDiskStage(PlannedRequest request, GcpStageOptions options)
    : GcpStage(request.Step.Id, request.Step.DependsOn, [request.Step.Id], options)
{
    /// <inheritdoc />
    protected override async Task<StageResult> ReconcileCoreAsync(StageContext context, CancellationToken cancellationToken)
    {
        var path = request.ComputeResourcePath;
        var existing = await ObserveOursAsync(context, request, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            // Deploy never resizes or refills a disk: a new model version gets new disk names in the plan.
            var planned = request.Body["sizeGb"] is { } size ? long.Parse(size.ToString(), System.Globalization.CultureInfo.InvariantCulture) : (long?)null;
            return planned is not null && existing.SizeGb is { } actual && actual != planned
                ? new StageResult(StageOutcome.Unchanged, [path], $"disk exists with {actual} GB where the plan says {planned} GB; deploy does not resize disks (destroy it to recreate)")
                : StageResult.Unchanged(path);
        }

        if (context.DryRun)
        {
            return new StageResult(StageOutcome.Created, [path], $"would create disk {path}");
        }

        await InsertComputeAsync(context, request, cancellationToken).ConfigureAwait(false);
        return new StageResult(StageOutcome.Created, [path], $"created disk {path}");
    }

    /// <inheritdoc />
    protected override async Task<StageResult> DestroyCoreAsync(StageContext context, CancellationToken cancellationToken)
    {
        var path = request.ComputeResourcePath;
        return await DeleteComputeIfOursAsync(context, path, request.Labels, cancellationToken).ConfigureAwait(false)
            ? new StageResult(StageOutcome.Deleted, [path], context.DryRun ? $"would delete disk {path}" : $"deleted disk {path}")
            : StageResult.Unchanged(path);
    }
}
