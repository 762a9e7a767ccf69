using VllmAspire.Contracts.Plan.Compute;
using VllmAspire.Provisioner.Gcp.Compute;

namespace VllmAspire.Provisioner.Stages.Gcp;

/// <summary>
/// A planned Compute disk (<c>compute.disks.insert</c>): the bake disk, or a per-zone weights disk from an image. A
/// disk of the planned name that carries our labels is left as it is.
/// </summary>
/// <param name="request">The planned insert.</param>
/// <param name="options">The stage timings.</param>
internal sealed class ComputeDiskStage(PlannedRequest request, GcpStageOptions options)
    : GcpStage(request.Step.Id, request.DependsOn, [request.Step.Id], options)
{
    private readonly Disk _disk = request.As<Disk>();

    /// <inheritdoc />
    protected override Task<StageResult> ReconcileCoreAsync(StageContext context, CancellationToken cancellationToken) =>
        CreateOnceAsync(context, request, "disk", cancellationToken, existing: SizeNote);

    /// <inheritdoc />
    protected override Task<StageResult> DestroyCoreAsync(StageContext context, CancellationToken cancellationToken) =>
        DestroyPlannedAsync(context, request, "disk", cancellationToken);

    // Deploy never resizes or refills a disk: a new model version gets new disk names in the plan.
    private StageResult? SizeNote(ComputeResource existing) =>
        _disk.SizeGb is { } planned && existing.SizeGb is { } actual && actual != planned
            ? new StageResult(StageOutcome.Unchanged, [request.ComputeResourcePath], $"disk exists with {actual} GB where the plan says {planned} GB; deploy does not resize disks (destroy it to recreate)")
            : null;
}
