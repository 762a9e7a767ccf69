using VllmAspire.Provisioner.Gcp.Compute;

namespace VllmAspire.Provisioner.Stages.Gcp;

/// <summary>
/// A planned disk image made from a disk (<c>compute.images.insert</c>), e.g. the weights image from the bake disk. An
/// image that exists is left alone (images are immutable; a new version gets a new name). Before imaging, the stage
/// waits until the source disk is attached to no instance, so the filesystem was cleanly unmounted (reference/gcp.md §8.6).
/// </summary>
/// <param name="request">The planned insert.</param>
/// <param name="options">The stage timings.</param>
internal sealed class ComputeImageStage(PlannedRequest request, GcpStageOptions options)
    : GcpStage(request.Step.Id, request.Step.DependsOn, [request.Step.Id], options)
{
    /// <inheritdoc />
    protected override async Task<StageResult> ReconcileCoreAsync(StageContext context, CancellationToken cancellationToken)
    {
        var path = request.ComputeResourcePath;
        var existing = await ObserveOursAsync(context, request, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return StageResult.Unchanged(path);
        }

        var sourceDisk = (string?)request.Body["sourceDisk"];
        if (context.DryRun)
        {
            return new StageResult(StageOutcome.Created, [path], $"would create image {path} from {sourceDisk}");
        }

        if (sourceDisk is not null)
        {
            await WaitUntilDetachedAsync(context, sourceDisk, cancellationToken).ConfigureAwait(false);
        }

        await InsertComputeAsync(context, request, cancellationToken).ConfigureAwait(false);
        return new StageResult(StageOutcome.Created, [path], $"created image {path}");
    }

    /// <inheritdoc />
    protected override async Task<StageResult> DestroyCoreAsync(StageContext context, CancellationToken cancellationToken)
    {
        var path = request.ComputeResourcePath;
        return await DeleteComputeIfOursAsync(context, path, request.Labels, cancellationToken).ConfigureAwait(false)
            ? new StageResult(StageOutcome.Deleted, [path], context.DryRun ? $"would delete image {path}" : $"deleted image {path}")
            : StageResult.Unchanged(path);
    }

    private async Task WaitUntilDetachedAsync(StageContext context, string diskPath, CancellationToken cancellationToken)
    {
        var deadline = Time(context).GetUtcNow() + Options.ReadyTimeout;
        while (true)
        {
            ComputeResource disk = await Compute(context).GetAsync(diskPath, cancellationToken).ConfigureAwait(false)
                ?? throw new ProvisioningException(diskPath, $"the source disk of image {request.Name} does not exist", "Rerun the deploy: the stage that creates the disk runs first.");
            if (disk.Users is not { Count: > 0 } users)
            {
                return;
            }

            if (Time(context).GetUtcNow() > deadline)
            {
                throw new ProvisioningException(diskPath, $"still attached to {string.Join(", ", users)} after {Options.ReadyTimeout}", "Make sure the Job that writes the disk has finished and its pod is gone, then rerun the deploy.");
            }

            Report(context, $"waiting for {diskPath} to be detached from {string.Join(", ", users)}");
            await Task.Delay(Options.PollInterval, Time(context), cancellationToken).ConfigureAwait(false);
        }
    }
}
