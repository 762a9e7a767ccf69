using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VllmAspire.Provisioner.Kubernetes;

namespace VllmAspire.Provisioner.Stages.Kubernetes;

/// <summary>
/// A stage that owns a group of published Kubernetes objects. Reconcile reads each one, applies (server-side, forced)
/// only those whose fields differ from the manifest, then waits for what must finish: claims bound, Jobs complete,
/// Deployments rolled out (followed by the start-up report of their new pods). Destroy deletes, in reverse order, the
/// objects of this stage's kinds and components that carry our <c>managed-by</c> label — earlier versions included —
/// and waits until they are gone; a namespace of ours that holds objects not ours is kept (see <see cref="NamespaceContents"/>). It needs <see cref="KubernetesOperations"/> in <see cref="StageContext.Services"/>.
/// </summary>
internal sealed class KubernetesObjectsStage : IProvisioningStage
{
    private const string ManagedByLabel = "app.kubernetes.io/managed-by";
    private readonly IReadOnlyList<ManifestObject> _objects;
    private readonly bool _reportStartup;
    private readonly RetiredVolumes? _retiredVolumes;
    private readonly IReadOnlySet<string> _autoscaled;

    /// <summary>Initializes a new instance of the <see cref="KubernetesObjectsStage"/> class.</summary>
    /// <param name="name">The stage's name.</param>
    /// <param name="objects">The objects it owns, in apply order.</param>
    /// <param name="dependsOn">Stages or plan objects that must be done first.</param>
    /// <param name="reportStartup">Whether to report the start-up of each Deployment's new pods after the rollout.</param>
    /// <param name="retiredVolumes">After a healthy rollout, which weights claims (and their volumes) the model no longer uses and may go; <see langword="null"/> for none.</param>
    /// <param name="autoscaled">The Deployments an autoscaler scales: once they exist, <c>spec.replicas</c> is left to the autoscaler (not compared, not applied).</param>
    public KubernetesObjectsStage(string name, IReadOnlyList<ManifestObject> objects, IReadOnlyList<string> dependsOn, bool reportStartup = false, RetiredVolumes? retiredVolumes = null, IReadOnlySet<string>? autoscaled = null)
    {
        _autoscaled = autoscaled ?? new HashSet<string>();
        Name = name;
        _objects = objects;
        DependsOn = dependsOn;
        _reportStartup = reportStartup;
        _retiredVolumes = retiredVolumes;
        Provides = [.. objects.Select(o => o.Key)];
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> DependsOn { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> Provides { get; }

    /// <summary>Gets the objects this stage applies.</summary>
    public IReadOnlyList<ManifestObject> Objects => _objects;

    /// <summary>Gets the start-up reports of the last reconcile (one per new pod of each Deployment), empty before.</summary>
    public IReadOnlyList<PodStartupReport> StartupReports { get; private set; } = [];

    /// <inheritdoc/>
    public async Task<StageResult> ReconcileAsync(StageContext context, CancellationToken cancellationToken)
    {
        var operations = context.Services.GetRequiredService<KubernetesOperations>();
        var time = context.Services.GetService<TimeProvider>() ?? TimeProvider.System;
        var created = new List<string>();
        var changed = new List<string>();
        var notes = new List<string>();
        var appliedAt = new Dictionary<string, DateTimeOffset>();
        foreach (var manifest in _objects)
        {
            var live = await operations.GetAsync(manifest.Kind, manifest.Namespace, manifest.Name, cancellationToken);
            var desired = manifest.ToJson();
            var leaveReplicas = live is not null && _autoscaled.Contains(manifest.Key);
            if (leaveReplicas)
            {
                // The autoscaler owns the replica count after the first apply; applying ours would undo its scaling.
                // A count only we ever set falls back to the default 1 when left out; the autoscaler then restores its minimum.
                desired["spec"]?.AsObject().Remove("replicas");
            }

            var differences = AppliedFieldsDiff.Differences(desired, live).Where(d => !leaveReplicas || d != ".spec.replicas (removed)").ToList();
            if (differences.Count == 0)
            {
                continue;
            }

            (live is null ? created : changed).Add(manifest.Key);

            // A Job's pod template is immutable: a changed Job (new weights source, new image) is replaced.
            var replace = live is not null && manifest.Kind == KubernetesKinds.Job && differences.Any(d => d.StartsWith(".spec.template", StringComparison.Ordinal));
            if (context.DryRun)
            {
                notes.Add(live is null ? $"would create {manifest.Key}"
                    : $"would {(replace ? "replace" : "change")} {manifest.Key} ({string.Join(", ", differences.Take(5))}{(differences.Count > 5 ? ", …" : "")})");
                continue;
            }

            if (replace)
            {
                Report(context, $"replacing {manifest.Key} (its pod template changed)", [manifest.Key]);
                await operations.DeleteAsync(manifest.Kind, manifest.Namespace, manifest.Name, cancellationToken);
                await operations.WaitUntilGoneAsync(manifest.Kind, manifest.Namespace, manifest.Name, cancellationToken);
            }

            Report(context, live is null ? $"creating {manifest.Key}" : $"updating {manifest.Key}", [manifest.Key]);
            appliedAt[manifest.Key] = time.GetUtcNow();
            await operations.ApplyAsync(manifest, dryRun: false, cancellationToken, desired);
        }

        var outcome = created.Count > 0 ? StageOutcome.Created : changed.Count > 0 ? StageOutcome.Changed : StageOutcome.Unchanged;
        if (context.DryRun)
        {
            // The Deployment's current pods still mount the old claims; after the rollout they would not.
            foreach (var (claim, volume) in _retiredVolumes is null ? [] : await _retiredVolumes.FindAsync(operations, ignoreMounts: true, cancellationToken))
            {
                notes.Add($"would delete the replaced {claim}{(volume is null ? "" : $" and {volume}")} after the rollout");
            }

            return new StageResult(outcome, Provides, notes.Count == 0 ? "dry run: up to date" : "dry run: " + string.Join("; ", notes));
        }

        StartupReports = [];
        foreach (var manifest in _objects)
        {
            await WaitAsync(context, operations, manifest, appliedAt.TryGetValue(manifest.Key, out var at) ? at : null, cancellationToken);
        }

        var retired = _retiredVolumes is null ? [] : await _retiredVolumes.DeleteUnusedAsync(operations, note => Report(context, note, []), cancellationToken);
        if (retired.Count > 0 && outcome == StageOutcome.Unchanged)
        {
            outcome = StageOutcome.Deleted;
        }

        var summary = outcome switch
        {
            StageOutcome.Unchanged or StageOutcome.Deleted when created.Count + changed.Count == 0 => "up to date",
            _ => string.Join(", ", new[] { created.Count > 0 ? $"created {created.Count}" : null, changed.Count > 0 ? $"updated {changed.Count}" : null }.OfType<string>()) + " object(s)",
        };
        if (retired.Count > 0)
        {
            summary += $"; deleted the replaced weights volumes {string.Join(", ", retired)}";
        }

        if (StartupReports.Count > 0)
        {
            summary += "\n" + PodStartupReportFormatter.Format(StartupReports);
        }

        return new StageResult(outcome, [.. Provides, .. retired], summary);
    }

    /// <inheritdoc/>
    public async Task<StageResult> DestroyAsync(StageContext context, CancellationToken cancellationToken)
    {
        var operations = context.Services.GetRequiredService<KubernetesOperations>();
        var targets = new List<(KubernetesKind Kind, string? Namespace, string Name)>();
        foreach (var kind in _objects.Select(o => o.Kind).Distinct().Reverse())
        {
            foreach (var item in await operations.ListAsync(kind, Selector(kind), cancellationToken))
            {
                var metadata = item["metadata"]!;
                targets.Add((kind, kind.Namespaced ? (string?)metadata["namespace"] : null, (string)metadata["name"]!));
            }
        }

        // The manifest's own objects too, when they carry our label (a list may lag behind a create that just happened).
        foreach (var manifest in _objects.Reverse())
        {
            if (!targets.Contains((manifest.Kind, manifest.Namespace, manifest.Name))
                && await operations.GetAsync(manifest.Kind, manifest.Namespace, manifest.Name, cancellationToken) is { } live
                && IsOurs(live))
            {
                targets.Add((manifest.Kind, manifest.Namespace, manifest.Name));
            }
        }

        // Deleting a namespace deletes everything in it: one that holds objects not ours (the user's token Secret) stays.
        var kept = new List<string>();
        foreach (var target in targets.Where(t => t.Kind == KubernetesKinds.Namespace).ToList())
        {
            var foreign = await NamespaceContents.FindForeignAsync(operations, target.Name, cancellationToken);
            if (foreign.Count > 0)
            {
                targets.Remove(target);
                kept.Add($"{(context.DryRun ? "would keep" : "kept")} namespace {target.Name}: it holds objects that are not ours: {string.Join(", ", foreign)}");
            }
        }

        var keptNote = kept.Count == 0 ? "" : "; " + string.Join("; ", kept);
        var keys = targets.Select(t => ManifestObject.KeyOf(t.Kind, t.Namespace, t.Name)).ToList();
        if (context.DryRun)
        {
            return new StageResult(keys.Count == 0 ? StageOutcome.Unchanged : StageOutcome.Deleted, keys, (keys.Count == 0 ? "dry run: nothing to delete" : "dry run: would delete " + string.Join(", ", keys)) + keptNote);
        }

        var deleted = new List<string>();
        foreach (var (kind, ns, name) in targets)
        {
            var key = ManifestObject.KeyOf(kind, ns, name);
            Report(context, $"deleting {key}", [key]);
            if (await operations.DeleteAsync(kind, ns, name, cancellationToken))
            {
                deleted.Add(key);
            }
        }

        foreach (var (kind, ns, name) in targets)
        {
            await operations.WaitUntilGoneAsync(kind, ns, name, cancellationToken);
        }

        return deleted.Count == 0
            ? new StageResult(StageOutcome.Unchanged, [], "nothing to delete" + keptNote)
            : new StageResult(StageOutcome.Deleted, deleted, $"deleted {deleted.Count} object(s)" + keptNote);
    }

    private static bool IsOurs(JsonObject live) =>
        (string?)live["metadata"]?["labels"]?[ManagedByLabel] == KubernetesOperations.FieldManager;

    private static string InSet(string label, IEnumerable<string> values) => $"{label} in ({string.Join(",", values.Distinct().Order(StringComparer.Ordinal))})";

    // Our label plus the part-of, name and component values of this stage's objects of that kind, so a stage never
    // deletes another stage's (or another app's) objects of the same kind.
    private string Selector(KubernetesKind kind)
    {
        var mine = _objects.Where(o => o.Kind == kind).ToList();
        var parts = new List<string> { $"{ManagedByLabel}={KubernetesOperations.FieldManager}" };
        foreach (var label in new[] { "app.kubernetes.io/part-of", "app.kubernetes.io/name", "app.kubernetes.io/component" })
        {
            var values = mine.Select(o => o.Labels.TryGetValue(label, out var v) ? v : null).ToList();
            if (values.All(v => v is not null))
            {
                parts.Add(InSet(label, values!));
            }
        }

        return string.Join(",", parts);
    }

    private async Task WaitAsync(StageContext context, KubernetesOperations operations, ManifestObject manifest, DateTimeOffset? appliedAt, CancellationToken cancellationToken)
    {
        void Progress(string note) => Report(context, note, [manifest.Key]);
        switch (manifest.Kind.Kind)
        {
            case "PersistentVolumeClaim":
                await operations.WaitForClaimBoundAsync(manifest.Namespace!, manifest.Name, Progress, cancellationToken);
                break;
            case "Job":
                await operations.WaitForJobAsync(manifest.Namespace!, manifest.Name, Progress, cancellationToken);
                break;
            case "Deployment":
                var deployment = await operations.WaitForRolloutAsync(manifest.Namespace!, manifest.Name, Progress, cancellationToken);
                if (_reportStartup)
                {
                    // Pods created since the apply are the new ones; with no apply this pass, report the current pods.
                    var reports = await PodStartupReporter.ReportAsync(operations, deployment, appliedAt, cancellationToken);
                    foreach (var report in reports)
                    {
                        Progress(PodStartupReportFormatter.Format(report));
                    }

                    StartupReports = [.. StartupReports, .. reports];
                }

                break;
        }
    }

    private void Report(StageContext context, string message, IReadOnlyList<string> objects) =>
        context.Progress.Report(new StageProgress(Name, message, objects));
}
