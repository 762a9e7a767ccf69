using System.Text.Json.Nodes;
using VllmAspire.Provisioner.Gcp;
using VllmAspire.Provisioner.Gcp.Compute;

namespace VllmAspire.Provisioner.Stages.Gcp;

/// <summary>
/// What the GCP stages share: Google API errors they do not handle become <see cref="ProvisioningException"/>s, objects
/// count as ours only when they carry the plan's labels, and Compute creates are verified after their operation.
/// </summary>
/// <param name="name">The stage's name.</param>
/// <param name="dependsOn">The stages or objects it waits for.</param>
/// <param name="provides">The plan objects it brings about.</param>
/// <param name="options">The stage timings.</param>
internal abstract class GcpStage(string name, IReadOnlyList<string> dependsOn, IReadOnlyList<string> provides, GcpStageOptions options) : IProvisioningStage
{
    /// <inheritdoc />
    public string Name { get; } = name;

    /// <inheritdoc />
    public IReadOnlyList<string> DependsOn { get; } = dependsOn;

    /// <inheritdoc />
    public IReadOnlyList<string> Provides { get; } = provides;

    /// <summary>Gets the stage timings.</summary>
    protected GcpStageOptions Options { get; } = options;

    /// <inheritdoc />
    public async Task<StageResult> ReconcileAsync(StageContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await ReconcileCoreAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (GcpApiException ex)
        {
            throw ex.ToProvisioningException();
        }
    }

    /// <inheritdoc />
    public async Task<StageResult> DestroyAsync(StageContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await DestroyCoreAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (GcpApiException ex)
        {
            throw ex.ToProvisioningException();
        }
    }

    /// <summary>Observes, diffs, acts and waits (see <see cref="IProvisioningStage.ReconcileAsync"/>).</summary>
    /// <param name="context">The run's context.</param>
    /// <param name="cancellationToken">Cancels the stage.</param>
    /// <returns>What the stage did.</returns>
    protected abstract Task<StageResult> ReconcileCoreAsync(StageContext context, CancellationToken cancellationToken);

    /// <summary>Deletes what the stage creates (see <see cref="IProvisioningStage.DestroyAsync"/>).</summary>
    /// <param name="context">The run's context.</param>
    /// <param name="cancellationToken">Cancels the stage.</param>
    /// <returns>What the stage deleted.</returns>
    protected abstract Task<StageResult> DestroyCoreAsync(StageContext context, CancellationToken cancellationToken);

    /// <summary>Gets a value indicating whether an object carries every label the plan gives it.</summary>
    /// <param name="actual">The object's labels.</param>
    /// <param name="planned">The plan's labels.</param>
    /// <returns><see langword="true"/> when the object is ours.</returns>
    protected static bool IsOurs(IReadOnlyDictionary<string, string>? actual, IReadOnlyDictionary<string, string> planned) =>
        actual is not null && planned.Count > 0 && planned.All(l => actual.TryGetValue(l.Key, out var v) && v == l.Value);

    /// <summary>The error for a name taken by an object we did not create.</summary>
    /// <param name="resource">The object.</param>
    /// <param name="labels">The labels it should carry.</param>
    /// <returns>The exception.</returns>
    protected static ProvisioningException NotOurs(string resource, IReadOnlyDictionary<string, string> labels) => new(
        resource,
        $"exists but does not carry the labels {string.Join(", ", labels.Select(l => $"{l.Key}={l.Value}"))}, so it was not created by this app",
        "Delete or rename that object, or give the resource another name in the AppHost, then rerun the deploy.");

    /// <summary>Reports progress of this stage.</summary>
    /// <param name="context">The run's context.</param>
    /// <param name="message">What is happening.</param>
    protected void Report(StageContext context, string message) => context.Progress.Report(new StageProgress(Name, message));

    /// <summary>An <see cref="IProgress{T}"/> of operation status lines for this stage.</summary>
    /// <param name="context">The run's context.</param>
    /// <returns>The progress sink.</returns>
    protected IProgress<string> OperationProgress(StageContext context) => new DelegateProgress<string>(m => Report(context, m));

    /// <summary>The Compute client of the run.</summary>
    /// <param name="context">The run's context.</param>
    /// <returns>The client.</returns>
    protected static ComputeClient Compute(StageContext context) => context.Services.GetRequiredService<ComputeClient>();

    /// <summary>The clock of the run.</summary>
    /// <param name="context">The run's context.</param>
    /// <returns>The time provider.</returns>
    protected static TimeProvider Time(StageContext context) => context.Services.GetService<TimeProvider>() ?? TimeProvider.System;

    /// <summary>
    /// Reconciles a planned Compute object that deploy creates once and never changes (a new model version gets new
    /// names in the plan): one that exists and is ours is left as it is; a missing one is inserted, or on a dry run
    /// only reported.
    /// </summary>
    /// <param name="context">The run's context.</param>
    /// <param name="request">The planned insert.</param>
    /// <param name="kind">What the object is, for messages, e.g. <c>disk</c>.</param>
    /// <param name="cancellationToken">Cancels the stage.</param>
    /// <param name="existing">Describes an existing object when there is more to say than "up to date", else returns <see langword="null"/>.</param>
    /// <param name="beforeInsert">Runs before the insert (never on a dry run), e.g. waits for the source disk to be detached.</param>
    /// <param name="source">Where the object comes from, for the dry-run message, e.g. <c>projects/p/zones/z/disks/d</c>.</param>
    /// <returns>What the stage did.</returns>
    protected async Task<StageResult> CreateOnceAsync(
        StageContext context,
        PlannedRequest request,
        string kind,
        CancellationToken cancellationToken,
        Func<ComputeResource, StageResult?>? existing = null,
        Func<Task>? beforeInsert = null,
        string? source = null)
    {
        var path = request.ComputeResourcePath;
        if (await ObserveOursAsync(context, request, cancellationToken).ConfigureAwait(false) is { } found)
        {
            return existing?.Invoke(found) ?? StageResult.Unchanged(path);
        }

        if (context.DryRun)
        {
            return new StageResult(StageOutcome.Created, [path], $"would create {kind} {path}{(source is null ? "" : $" from {source}")}");
        }

        if (beforeInsert is not null)
        {
            await beforeInsert().ConfigureAwait(false);
        }

        await InsertComputeAsync(context, request, cancellationToken).ConfigureAwait(false);
        return new StageResult(StageOutcome.Created, [path], $"created {kind} {path}");
    }

    /// <summary>Destroys a planned Compute object: deletes it if it exists and is ours (<see cref="DeleteComputeIfOursAsync"/>).</summary>
    /// <param name="context">The run's context.</param>
    /// <param name="request">The planned insert.</param>
    /// <param name="kind">What the object is, for messages, e.g. <c>disk</c>.</param>
    /// <param name="cancellationToken">Cancels the stage.</param>
    /// <returns>What the stage did.</returns>
    protected async Task<StageResult> DestroyPlannedAsync(StageContext context, PlannedRequest request, string kind, CancellationToken cancellationToken)
    {
        var path = request.ComputeResourcePath;
        return await DeleteComputeIfOursAsync(context, path, request.Labels, cancellationToken).ConfigureAwait(false)
            ? new StageResult(StageOutcome.Deleted, [path], context.DryRun ? $"would delete {kind} {path}" : $"deleted {kind} {path}")
            : StageResult.Unchanged(path);
    }

    /// <summary>
    /// Inserts a planned Compute object with the plan's <c>requestId</c>, waits for the operation and checks that the
    /// object exists. Compute remembers a <c>requestId</c> for a while and answers a repeat with the old operation
    /// without doing anything, so an insert whose earlier operation failed, or whose object was deleted since (a
    /// destroy, then a deploy soon after), is sent once more with a fresh ID.
    /// </summary>
    /// <param name="context">The run's context.</param>
    /// <param name="request">The planned request.</param>
    /// <param name="cancellationToken">Cancels the stage.</param>
    /// <returns>The created object.</returns>
    protected async Task<ComputeResource> InsertComputeAsync(StageContext context, PlannedRequest request, CancellationToken cancellationToken)
    {
        var compute = Compute(context);
        var project = ProjectOf(request.CollectionPath);
        var path = request.ComputeResourcePath;
        Report(context, $"creating {path}");
        var operation = await compute.InsertAsync(request.RelativeUrl, (JsonObject)request.Body.DeepClone(), path, cancellationToken).ConfigureAwait(false);
        if (operation is { IsDone: true, Error.Errors.Count: > 0 })
        {
            // The answer to a requestId whose insert failed in an earlier run: that failure is history, so try afresh.
            Report(context, $"{path}: the plan's requestId names an earlier failed insert; inserting with a fresh one");
            operation = await compute.InsertAsync($"{request.CollectionPath}?requestId={Guid.NewGuid()}", (JsonObject)request.Body.DeepClone(), path, cancellationToken).ConfigureAwait(false);
        }

        await compute.WaitAsync(project, operation, path, OperationProgress(context), cancellationToken).ConfigureAwait(false);
        var created = await compute.GetAsync(path, cancellationToken).ConfigureAwait(false);
        if (created is null)
        {
            Report(context, $"{path}: the plan's requestId was used before; inserting with a fresh one");
            operation = await compute.InsertAsync($"{request.CollectionPath}?requestId={Guid.NewGuid()}", (JsonObject)request.Body.DeepClone(), path, cancellationToken).ConfigureAwait(false);
            await compute.WaitAsync(project, operation, path, OperationProgress(context), cancellationToken).ConfigureAwait(false);
            created = await compute.GetAsync(path, cancellationToken).ConfigureAwait(false)
                ?? throw new ProvisioningException(path, "the insert operation finished without error but the object does not exist", "Rerun the deploy; if it happens again, check the project's audit log for who deleted it.");
        }

        return await WaitUntilReadyAsync(context, path, created, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Observes a planned Compute object: <see langword="null"/> when it does not exist; otherwise it must carry our
    /// labels, and (unless this is a dry run) it is waited for until READY, so a rerun adopts one left half-made.
    /// </summary>
    /// <param name="context">The run's context.</param>
    /// <param name="request">The planned insert.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The object as it is now, or <see langword="null"/>.</returns>
    /// <exception cref="ProvisioningException">An object of that name exists without our labels.</exception>
    protected async Task<ComputeResource?> ObserveOursAsync(StageContext context, PlannedRequest request, CancellationToken cancellationToken)
    {
        var path = request.ComputeResourcePath;
        var existing = await Compute(context).GetAsync(path, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return null;
        }

        if (!IsOurs(existing.Labels, request.Labels))
        {
            throw NotOurs(path, request.Labels);
        }

        return context.DryRun ? existing : await WaitUntilReadyAsync(context, path, existing, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until a disk or image is READY (one found half-made by a rerun, say).</summary>
    /// <param name="context">The run's context.</param>
    /// <param name="path">The object's path.</param>
    /// <param name="resource">The object as last seen.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The ready object.</returns>
    protected async Task<ComputeResource> WaitUntilReadyAsync(StageContext context, string path, ComputeResource resource, CancellationToken cancellationToken)
    {
        var deadline = Time(context).GetUtcNow() + Options.ReadyTimeout;
        while (resource.Status is "CREATING" or "PENDING" or "RESTORING")
        {
            if (Time(context).GetUtcNow() > deadline)
            {
                throw new ProvisioningException(path, $"still {resource.Status} after {Options.ReadyTimeout}", "Check the object in the Cloud console; rerun the deploy once it is READY or delete it.");
            }

            Report(context, $"{path} is {resource.Status}");
            await Task.Delay(Options.PollInterval, Time(context), cancellationToken).ConfigureAwait(false);
            resource = await Compute(context).GetAsync(path, cancellationToken).ConfigureAwait(false)
                ?? throw new ProvisioningException(path, $"disappeared while {resource.Status}", "Creating it failed; rerun the deploy to create it again.");
        }

        if (resource.Status is "FAILED")
        {
            throw new ProvisioningException(path, "is FAILED", "Delete it (it carries our labels, so 'destroy' removes it) and rerun the deploy.");
        }

        return resource;
    }

    /// <summary>Deletes a Compute object if it exists and is ours; already gone is fine, someone else's is left alone.</summary>
    /// <param name="context">The run's context.</param>
    /// <param name="path">The object's path.</param>
    /// <param name="labels">The labels that mark it ours.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns><see langword="true"/> if this call deleted it.</returns>
    protected async Task<bool> DeleteComputeIfOursAsync(StageContext context, string path, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        var compute = Compute(context);
        var existing = await compute.GetAsync(path, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return false;
        }

        if (!IsOurs(existing.Labels, labels))
        {
            Report(context, $"{path} does not carry our labels; left alone");
            return false;
        }

        if (context.DryRun)
        {
            return true;
        }

        Report(context, $"deleting {path}");

        // A fresh requestId per delete: a deterministic one would make a delete after a later re-create a no-op.
        var operation = await compute.DeleteAsync(path, Guid.NewGuid(), cancellationToken).ConfigureAwait(false);
        if (operation is not null)
        {
            try
            {
                await compute.WaitAsync(ProjectOf(path), operation, path, OperationProgress(context), cancellationToken).ConfigureAwait(false);
            }
            catch (GcpApiException ex) when (ex.Error.Status is "RESOURCE_NOT_FOUND")
            {
                // Someone (or a retried call) deleted it first.
            }
        }

        return true;
    }

    /// <summary>The project of a resource path <c>projects/{p}/…</c>.</summary>
    /// <param name="path">The path.</param>
    /// <returns>The project.</returns>
    protected static string ProjectOf(string path) => path.Split('/')[1];
}
