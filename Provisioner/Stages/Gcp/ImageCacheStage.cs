using System.Text;
using VllmAspire.Contracts.Plan;
using VllmAspire.Provisioner.Gcp;

namespace VllmAspire.Provisioner.Stages.Gcp;

/// <summary>
/// The image-cache disk image, built as gke-disk-image-builder does (reference/gcp.md §3): an empty disk, a temporary
/// VM whose startup script unpacks the model's container images onto it, completion read from serial port 1, the VM
/// deleted (which detaches the disk), an image made from the disk, and the disk deleted. The VM and disk are deleted on
/// failure, timeout and cancellation too; a rerun first deletes any left over by a run that crashed.
/// </summary>
/// <param name="name">The stage's name.</param>
/// <param name="disk">The planned cache disk.</param>
/// <param name="builder">The planned builder VM.</param>
/// <param name="image">The planned image.</param>
/// <param name="dependsOn">What the three plan steps wait for outside this stage.</param>
/// <param name="options">The stage timings.</param>
internal sealed class ImageCacheStage(string name, PlannedRequest disk, PlannedRequest builder, PlannedRequest image, IReadOnlyList<string> dependsOn, GcpStageOptions options)
    : GcpStage(name, dependsOn, [disk.Step.Id, builder.Step.Id, image.Step.Id], options)
{
    private const int SerialTailLines = 10;

    /// <inheritdoc />
    protected override async Task<StageResult> ReconcileCoreAsync(StageContext context, CancellationToken cancellationToken)
    {
        var imagePath = image.ComputeResourcePath;
        var existing = await ObserveOursAsync(context, image, cancellationToken).ConfigureAwait(false);

        // Whatever a crashed run left behind goes first: its disk may be half written.
        var leftovers = await DeleteBuilderAsync(context, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return leftovers.Count == 0
                ? StageResult.Unchanged(imagePath)
                : new StageResult(StageOutcome.Deleted, leftovers, $"image {imagePath} exists; {(context.DryRun ? "would delete" : "deleted")} leftover {string.Join(", ", leftovers)}");
        }

        if (context.DryRun)
        {
            return new StageResult(StageOutcome.Created, [imagePath, .. leftovers], $"would build image {imagePath} with a temporary VM {builder.ComputeResourcePath} and disk {disk.ComputeResourcePath} (both deleted afterwards)");
        }

        try
        {
            await InsertComputeAsync(context, disk, cancellationToken).ConfigureAwait(false);
            await InsertComputeAsync(context, builder, cancellationToken).ConfigureAwait(false);
            await WaitForBuilderAsync(context, cancellationToken).ConfigureAwait(false);

            // Deleting the VM detaches the disk (its autoDelete is false), so the image is made from an unmounted disk.
            await DeleteComputeIfOursAsync(context, builder.ComputeResourcePath, builder.Labels, cancellationToken).ConfigureAwait(false);
            await InsertComputeAsync(context, image, cancellationToken).ConfigureAwait(false);
            await DeleteComputeIfOursAsync(context, disk.ComputeResourcePath, disk.Labels, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ProvisioningException or GcpApiException or OperationCanceledException)
        {
            // Cleanup runs even when the run was cancelled, within its own time limit.
            using var cleanup = new CancellationTokenSource(Options.CleanupTimeout, Time(context));
            try
            {
                await DeleteBuilderAsync(context, cleanup.Token).ConfigureAwait(false);
            }
            catch (Exception cleanupError) when (cleanupError is GcpApiException or ProvisioningException or OperationCanceledException)
            {
                Report(context, $"cleanup of {builder.ComputeResourcePath} and {disk.ComputeResourcePath} failed ({cleanupError.Message}); the next deploy or destroy removes them");
            }

            throw;
        }

        return new StageResult(StageOutcome.Created, [imagePath], $"built image {imagePath}; builder VM and disk deleted");
    }

    /// <inheritdoc />
    protected override async Task<StageResult> DestroyCoreAsync(StageContext context, CancellationToken cancellationToken)
    {
        var deleted = await DeleteBuilderAsync(context, cancellationToken).ConfigureAwait(false);
        if (await DeleteComputeIfOursAsync(context, image.ComputeResourcePath, image.Labels, cancellationToken).ConfigureAwait(false))
        {
            deleted.Add(image.ComputeResourcePath);
        }

        return deleted.Count == 0
            ? StageResult.Unchanged(image.ComputeResourcePath)
            : new StageResult(StageOutcome.Deleted, deleted, $"{(context.DryRun ? "would delete" : "deleted")} {string.Join(", ", deleted)}");
    }

    // The VM first: the disk cannot be deleted while it is attached.
    private async Task<List<string>> DeleteBuilderAsync(StageContext context, CancellationToken cancellationToken)
    {
        var deleted = new List<string>();
        foreach (var request in new[] { builder, disk })
        {
            if (await DeleteComputeIfOursAsync(context, request.ComputeResourcePath, request.Labels, cancellationToken).ConfigureAwait(false))
            {
                deleted.Add(request.ComputeResourcePath);
            }
        }

        return deleted;
    }

    // Reads serial port 1 as daisy's WaitForInstancesSignal does: carry `next`, stitch lines split across chunks, stop at
    // the done or failure line, and give up when the VM stops or the time is up.
    private async Task WaitForBuilderAsync(StageContext context, CancellationToken cancellationToken)
    {
        var compute = Compute(context);
        var time = Time(context);
        var vm = builder.ComputeResourcePath;
        var deadline = time.GetUtcNow() + Options.BuilderTimeout;
        var partial = new StringBuilder();
        var tail = new Queue<string>();
        long next = 0;
        Report(context, $"waiting for '{ImageCacheSentinels.Done}' on the serial port of {vm}");
        while (true)
        {
            var output = await compute.GetSerialPortOutputAsync(vm, next, cancellationToken).ConfigureAwait(false);
            next = output.Next;
            partial.Append(output.Contents);
            var text = partial.ToString();
            var lines = text.Split('\n');
            partial.Clear().Append(lines[^1]);
            foreach (var line in lines[..^1].Select(l => l.TrimEnd('\r')))
            {
                tail.Enqueue(line);
                if (tail.Count > SerialTailLines)
                {
                    tail.Dequeue();
                }

                if (line.Contains(ImageCacheSentinels.Done, StringComparison.Ordinal))
                {
                    Report(context, $"{vm}: image cache complete");
                    return;
                }

                if (line.Contains(ImageCacheSentinels.Failed, StringComparison.Ordinal))
                {
                    throw new ProvisioningException(vm, $"the image-cache builder failed: '{line.Trim()}'", "Check that every container image of the model exists and that the VM can reach its registry (external IP or Cloud NAT); the VM and disk were deleted, so rerun the deploy once fixed.");
                }
            }

            var instance = await compute.GetAsync(vm, cancellationToken).ConfigureAwait(false);
            if (instance is null || instance.Status is "STOPPING" or "STOPPED" or "TERMINATED" or "SUSPENDED")
            {
                throw new ProvisioningException(vm, $"the builder VM is {instance?.Status ?? "gone"} before printing '{ImageCacheSentinels.Done}'; last serial output: {string.Join(" | ", tail)}", "Rerun the deploy; if it happens again, check the VM's serial output in the Cloud console.");
            }

            if (time.GetUtcNow() > deadline)
            {
                throw new ProvisioningException(vm, $"no '{ImageCacheSentinels.Done}' on the serial port within {Options.BuilderTimeout}; last serial output: {string.Join(" | ", tail)}", $"Raise {GcpStageOptions.SectionName}:BuilderTimeout for large images, or check that the VM can reach the registry; the VM and disk were deleted.");
            }

            await Task.Delay(Options.SerialPollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
