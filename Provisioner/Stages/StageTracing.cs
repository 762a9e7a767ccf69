using System.Diagnostics;
using System.Globalization;
using VllmAspire.Contracts.Stages;

namespace VllmAspire.Provisioner.Stages;

/// <summary>
/// The traces of the stage engine: one span per deploy or destroy run (mode, dry run, target) and, under it, one span
/// per stage that starts and ends with the stage (state, outcome, the objects it touched as events, the API's message
/// as the error status), so a trace's waterfall is the run's stage Gantt and shows its critical path. Spans exist only
/// while a listener samples <see cref="SourceName"/> (an OpenTelemetry tracer provider with
/// <c>AddSource(StageTracing.SourceName)</c>); otherwise starting one costs nothing. HTTP calls a stage makes nest
/// under its span when HTTP client instrumentation is on.
/// </summary>
internal static class StageTracing
{
    /// <summary>The name of the <see cref="ActivitySource"/>: add it to a tracer provider to export the spans.</summary>
    public const string SourceName = "VllmAspire.Provisioner";

    /// <summary>The run span's <c>deploy</c> or <c>destroy</c>.</summary>
    public const string ModeAttribute = "provisioner.mode";

    /// <summary>The run span's dry-run flag.</summary>
    public const string DryRunAttribute = "provisioner.dry_run";

    /// <summary>The run span's GCP project.</summary>
    public const string ProjectAttribute = "gcp.project";

    /// <summary>The run span's cluster location.</summary>
    public const string LocationAttribute = "gcp.location";

    /// <summary>The run span's GKE cluster.</summary>
    public const string ClusterAttribute = "gke.cluster";

    /// <summary>The prefix of the run span's counts of stages by result, e.g. <c>provisioner.stages.created</c>.</summary>
    public const string StageCountPrefix = "provisioner.stages.";

    /// <summary>The run span's wall time, in seconds.</summary>
    public const string WallTimeAttribute = "provisioner.wall_time_s";

    /// <summary>The run span's critical path through the stage graph, in seconds.</summary>
    public const string CriticalPathAttribute = "provisioner.critical_path_s";

    /// <summary>The run span's stages on the critical path, in order, joined by <c> → </c>.</summary>
    public const string CriticalPathStagesAttribute = "provisioner.critical_path";

    /// <summary>The run span's sum of stage times, in seconds.</summary>
    public const string SumOfStagesAttribute = "provisioner.sum_of_stages_s";

    /// <summary>A stage span's stage name.</summary>
    public const string StageNameAttribute = "stage.name";

    /// <summary>A stage span's end state (<see cref="KnownStageStates"/>).</summary>
    public const string StageStateAttribute = "stage.state";

    /// <summary>A stage span's outcome: <c>created</c>, <c>changed</c>, <c>unchanged</c> or <c>deleted</c>; absent when it did not complete.</summary>
    public const string StageOutcomeAttribute = "stage.outcome";

    /// <summary>A stage span's summary line, or why it failed or did not run.</summary>
    public const string StageMessageAttribute = "stage.message";

    /// <summary>A stage span's count of objects touched.</summary>
    public const string StageObjectCountAttribute = "stage.objects";

    /// <summary>A not-run stage span's failed stage that kept it from running.</summary>
    public const string StageBlockedByAttribute = "stage.blocked_by";

    /// <summary>The name of the event a stage span gets for each object it touches, when it first reports it.</summary>
    public const string ObjectEventName = "stage.object";

    /// <summary>The object event's path, e.g. <c>projects/p/zones/z/disks/d</c> or <c>kubernetes/Deployment/vllm/vllm</c>.</summary>
    public const string ObjectPathAttribute = "stage.object.path";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts the span of a run, under the caller's current span if there is one.</summary>
    /// <param name="options">The run's options.</param>
    /// <returns>The span, or <see langword="null"/> when nobody listens.</returns>
    public static Activity? StartRun(StageRunOptions options)
    {
        var run = Source.StartActivity(Verb(options.Mode));
        if (run is null)
        {
            return null;
        }

        run.SetTag(ModeAttribute, Verb(options.Mode));
        run.SetTag(DryRunAttribute, options.DryRun);
        if (options.Target is { } target)
        {
            run.SetTag(ProjectAttribute, target.Project);
            run.SetTag(LocationAttribute, target.Location);
            run.SetTag(ClusterAttribute, target.Cluster);
        }

        return run;
    }

    /// <summary>Ends the span of a run with its totals and times; a run that did not succeed is an error.</summary>
    /// <param name="run">The span, or <see langword="null"/>.</param>
    /// <param name="summary">The run's summary.</param>
    public static void EndRun(Activity? run, RunSummary summary)
    {
        if (run is null)
        {
            return;
        }

        foreach (var (result, count) in new[]
        {
            ("created", summary.Created), ("changed", summary.Changed), ("unchanged", summary.Unchanged),
            ("deleted", summary.Deleted), ("failed", summary.Failed), ("not_run", summary.Blocked),
        })
        {
            run.SetTag(StageCountPrefix + result, count);
        }

        run.SetTag(WallTimeAttribute, Math.Round(summary.WallTime.TotalSeconds, 3));
        run.SetTag(CriticalPathAttribute, Math.Round(summary.CriticalPath.TotalSeconds, 3));
        run.SetTag(CriticalPathStagesAttribute, string.Join(" → ", summary.CriticalPathStages));
        run.SetTag(SumOfStagesAttribute, Math.Round(summary.SumOfStages.TotalSeconds, 3));
        if (summary.Canceled)
        {
            run.SetStatus(ActivityStatusCode.Error, "canceled");
        }
        else if (summary.Stages.FirstOrDefault(s => s.State == KnownStageStates.Failed) is { } failed)
        {
            run.SetStatus(ActivityStatusCode.Error, string.Create(CultureInfo.InvariantCulture, $"{summary.Failed} stage(s) failed, first {failed.Name}: {failed.Message}"));
        }
        else
        {
            run.SetStatus(ActivityStatusCode.Ok);
        }

        run.Stop();
    }

    /// <summary>Starts a stage's span, under the run's span (the current one); it becomes the current span of the stage's work.</summary>
    /// <param name="stage">The stage's name.</param>
    /// <returns>The span, or <see langword="null"/> when nobody listens.</returns>
    public static Activity? StartStage(string stage) => Source.StartActivity(stage)?.SetTag(StageNameAttribute, stage);

    /// <summary>Adds an event per object a stage has touched, at the time it reported them.</summary>
    /// <param name="span">The stage's span, or <see langword="null"/>.</param>
    /// <param name="objects">Objects not reported before.</param>
    public static void ObjectsTouched(Activity? span, IEnumerable<string> objects)
    {
        if (span is null)
        {
            return;
        }

        foreach (var path in objects)
        {
            span.AddEvent(new ActivityEvent(ObjectEventName, tags: new ActivityTagsCollection { [ObjectPathAttribute] = path }));
        }
    }

    /// <summary>Ends a stage's span with how the stage ended; a failed stage is an error with its message, and its exception as an event.</summary>
    /// <param name="span">The stage's span, or <see langword="null"/>.</param>
    /// <param name="record">How the stage ended.</param>
    /// <param name="error">The exception that failed it, if any.</param>
    public static void EndStage(Activity? span, StageRunRecord record, Exception? error)
    {
        if (span is null)
        {
            return;
        }

        Describe(span, record);
        if (record.State == KnownStageStates.Failed)
        {
            if (error is not null)
            {
                span.AddException(error);
            }

            span.SetStatus(ActivityStatusCode.Error, record.Message);
        }
        else
        {
            span.SetStatus(ActivityStatusCode.Ok);
        }

        span.Stop();
    }

    /// <summary>
    /// Records a stage that did not run (a stage it waits for failed, or the run was canceled) as an instant span, so
    /// the trace lists every stage of the graph and says why this one is missing.
    /// </summary>
    /// <param name="record">The stage's record.</param>
    public static void NotRun(StageRunRecord record)
    {
        using var span = StartStage(record.Name);
        if (span is not null)
        {
            Describe(span, record);
            span.SetTag(StageBlockedByAttribute, record.BlockedBy);
        }
    }

    private static void Describe(Activity span, StageRunRecord record)
    {
        span.SetTag(StageStateAttribute, record.State);
        span.SetTag(StageOutcomeAttribute, record.Outcome?.ToString().ToLowerInvariant());
        span.SetTag(StageMessageAttribute, record.Message);
        span.SetTag(StageObjectCountAttribute, record.Objects.Count);
    }

    private static string Verb(StageRunMode mode) => mode == StageRunMode.Deploy ? "deploy" : "destroy";
}
