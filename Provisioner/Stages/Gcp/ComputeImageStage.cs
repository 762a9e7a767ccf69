using VllmAspire.Contracts.Plan.Compute;
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
    : GcpStage(request.Step.Id, request.DependsOn, [request.Step.Id], options)
{
    private readonly Image _image = request.As<Image>();

    /// <inheritdoc />
    protected override Task<StageResult> ReconcileCoreAsync(StageContext context, CancellationToken cancellationToken) =>
        CreateOnceAsync(
            context,
            request,
            "image",
            cancellationToken,
            beforeInsert: _image.SourceDisk is { } disk ? () => WaitUntilDetachedAsync(context, disk, cancellationToken) : null,
            source: _image.SourceDisk);

    /// <inheritdoc />
    protected override Task<StageResult> DestroyCoreAsync(StageContext context, CancellationToken cancellationToken) =>
        DestroyPlannedAsync(context, request, "image", cancellationToken);

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
