using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using VllmAspire.Contracts.Stages;
using VllmAspire.Provisioner.Stages;

namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>
/// Every run is a trace: one span for the run and, under it, one span per stage that starts and ends with the stage,
/// described as the stage ended; a trace's waterfall is the run's stage Gantt.
/// </summary>
public sealed class StageTracingTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private const string TestSourceName = "VllmAspire.Provisioner.Deploy.Tests.StageTracing";
    private static readonly ActivitySource TestSource = new(TestSourceName);
    private static readonly RunTarget Target = new("my-project", "us-central1", "vllm-cluster");
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;
    private readonly CallLog _log = new();

    public StageTracingTests()
    {
        _listener = new ActivityListener
        {
            // Runs whenever any source in the process is created, even during another type's initialization: constants only.
            ShouldListenTo = source => source.Name is StageTracing.SourceName or TestSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>
    /// Runs the stages under a test span of their own: the listener hears the runs of every test in the assembly, and
    /// the trace ID tells this one's apart.
    /// </summary>
    private async Task<(RunSummary Summary, Activity Run, Dictionary<string, Activity> Stages)> RunAsync(
        StageRunMode mode, bool dryRun, params IProvisioningStage[] stages)
    {
        await using var services = new ServiceCollection().BuildServiceProvider();
        Activity test;
        RunSummary summary;
        using (test = TestSource.StartActivity("test")!)
        {
            var options = new StageRunOptions { Mode = mode, DryRun = dryRun, Labels = new Dictionary<string, string> { ["app"] = "test" }, Services = services, Target = Target };
            summary = await new StageRunner(TimeProvider.System).RunAsync(StageGraph.Create(stages), options, [], CancellationToken.None).WaitAsync(Deadline);
        }

        // Spans are stopped before the records that end them are returned, so the run's are all here now.
        var trace = _stopped.Where(a => a.TraceId == test.TraceId && a.Source.Name == StageTracing.SourceName).ToList();
        var run = Assert.Single(trace, a => a.ParentSpanId == test.SpanId);
        return (summary, run, trace.Where(a => a != run).ToDictionary(a => a.OperationName));
    }

    [Fact]
    public async Task A_run_is_one_span_with_a_child_span_per_stage_that_starts_and_ends_with_it()
    {
        string? currentInImage = null;
        var (summary, run, stages) = await RunAsync(StageRunMode.Deploy, dryRun: false,
            new TestStage("image", _log)
            {
                Reconcile = (_, _) =>
                {
                    // What the stage's own calls (HTTP client spans) nest under.
                    currentInImage = Activity.Current?.SpanId.ToHexString();
                    return Task.FromResult(new StageResult(StageOutcome.Created, ["compute/v1/projects/my-project/global/images/i"], "created image"));
                },
            },
            new TestStage("pool", _log, "image"),
            new TestStage("disks", _log) { Reconcile = (_, _) => Task.FromResult(StageResult.Unchanged("compute/v1/projects/my-project/zones/z/disks/d")) });

        Assert.True(summary.Succeeded);
        Assert.Equal("deploy", run.OperationName);
        Assert.Equal(ActivityStatusCode.Ok, run.Status);
        Assert.Equal("deploy|False|my-project|us-central1|vllm-cluster", Tags(run, StageTracing.ModeAttribute, StageTracing.DryRunAttribute,
            StageTracing.ProjectAttribute, StageTracing.LocationAttribute, StageTracing.ClusterAttribute));
        Assert.Equal("2|0|1|0|0|0", Tags(run, [.. new[] { "created", "changed", "unchanged", "deleted", "failed", "not_run" }.Select(r => StageTracing.StageCountPrefix + r)]));
        Assert.NotEmpty(summary.CriticalPathStages);
        Assert.Equal(string.Join(" → ", summary.CriticalPathStages), Tags(run, StageTracing.CriticalPathStagesAttribute));
        Assert.Equal(Math.Round(summary.WallTime.TotalSeconds, 3), run.GetTagItem(StageTracing.WallTimeAttribute));

        Assert.Equal(["disks", "image", "pool"], stages.Keys.Order());
        Assert.All(stages.Values, s => Assert.Equal((run.TraceId, run.SpanId), (s.TraceId, s.ParentSpanId)));
        Assert.Equal(stages["image"].SpanId.ToHexString(), currentInImage);

        // The waterfall: each stage inside the run, and a dependent only after what it waited for.
        Assert.All(stages.Values, s => Assert.True(s.StartTimeUtc >= run.StartTimeUtc && End(s) <= End(run), $"{s.OperationName} lies outside the run"));
        Assert.True(stages["pool"].StartTimeUtc >= End(stages["image"]), "pool started before image ended");

        var image = stages["image"];
        Assert.Equal(ActivityStatusCode.Ok, image.Status);
        Assert.Equal($"image|{KnownStageStates.Succeeded}|created|created image|1",
            Tags(image, StageTracing.StageNameAttribute, StageTracing.StageStateAttribute, StageTracing.StageOutcomeAttribute, StageTracing.StageMessageAttribute, StageTracing.StageObjectCountAttribute));
        Assert.Equal($"{KnownStageStates.Skipped}|unchanged", Tags(stages["disks"], StageTracing.StageStateAttribute, StageTracing.StageOutcomeAttribute));
    }

    [Fact]
    public async Task A_failed_stage_is_an_error_span_with_the_APIs_message_and_its_dependents_are_instant_not_run_spans()
    {
        var (summary, run, stages) = await RunAsync(StageRunMode.Deploy, dryRun: false,
            new TestStage("image", _log) { Reconcile = (_, _) => throw new ProvisioningException("projects/p/global/images/i", "403 Forbidden (accessNotConfigured)", "Enable the Compute Engine API.") },
            new TestStage("pool", _log, "image"),
            new TestStage("workloads", _log, "pool"));

        Assert.False(summary.Succeeded);
        var image = stages["image"];
        Assert.Equal(ActivityStatusCode.Error, image.Status);
        Assert.Contains("403 Forbidden (accessNotConfigured)", image.StatusDescription, StringComparison.Ordinal);
        Assert.Contains("Enable the Compute Engine API.", image.StatusDescription, StringComparison.Ordinal);
        Assert.Equal(KnownStageStates.Failed, image.GetTagItem(StageTracing.StageStateAttribute));
        Assert.Null(image.GetTagItem(StageTracing.StageOutcomeAttribute));
        var exception = Assert.Single(image.Events, e => e.Name == "exception");
        Assert.Equal(typeof(ProvisioningException).FullName, exception.Tags.Single(t => t.Key == "exception.type").Value);

        foreach (var blocked in new[] { "pool", "workloads" })
        {
            var span = stages[blocked];
            Assert.Equal(run.SpanId, span.ParentSpanId);
            Assert.Equal($"{KnownStageStates.Skipped}|image|not run: stage 'image' failed",
                Tags(span, StageTracing.StageStateAttribute, StageTracing.StageBlockedByAttribute, StageTracing.StageMessageAttribute));
            Assert.True(span.StartTimeUtc >= End(image), $"{blocked} is placed before the failure that kept it from running");
        }

        Assert.Equal(ActivityStatusCode.Error, run.Status);
        Assert.Contains("first image: ", run.StatusDescription, StringComparison.Ordinal);
        Assert.Equal("1|2", Tags(run, StageTracing.StageCountPrefix + "failed", StageTracing.StageCountPrefix + "not_run"));
    }

    [Fact]
    public async Task Each_object_a_stage_touches_is_one_event_at_the_time_it_was_first_reported()
    {
        // The times between the reports, on the clock the events are stamped by.
        DateTimeOffset afterA = default, afterB = default;
        var (_, _, stages) = await RunAsync(StageRunMode.Deploy, dryRun: false,
            new TestStage("objects", _log)
            {
                Reconcile = (context, _) =>
                {
                    context.Progress.Report(new StageProgress("objects", "applied a", ["kubernetes/Namespace/a"]));
                    afterA = DateTimeOffset.UtcNow;
                    context.Progress.Report(new StageProgress("objects", "applied b", ["kubernetes/Namespace/a", "kubernetes/Namespace/b"]));
                    afterB = DateTimeOffset.UtcNow;
                    return Task.FromResult(new StageResult(StageOutcome.Created, ["kubernetes/Namespace/a", "kubernetes/Namespace/b", "kubernetes/Namespace/c"], "applied 3"));
                },
            });

        var events = stages["objects"].Events.Where(e => e.Name == StageTracing.ObjectEventName).ToList();
        Assert.Equal(["kubernetes/Namespace/a", "kubernetes/Namespace/b", "kubernetes/Namespace/c"],
            events.Select(e => e.Tags.Single(t => t.Key == StageTracing.ObjectPathAttribute).Value));
        Assert.True(events[0].Timestamp <= afterA, "a's event is not at the time a was reported");
        Assert.True(afterA <= events[1].Timestamp && events[1].Timestamp <= afterB, "b's event is not at the time b was reported");
        Assert.True(afterB <= events[2].Timestamp, "c's event is not at the stage's end, when the result named it");
    }

    [Fact]
    public async Task A_destroy_dry_run_says_so_on_its_run_span()
    {
        var (_, run, stages) = await RunAsync(StageRunMode.Destroy, dryRun: true, new TestStage("pool", _log), new TestStage("workloads", _log, "pool"));

        Assert.Equal("destroy", run.OperationName);
        Assert.Equal("destroy|True|2|workloads → pool",
            Tags(run, StageTracing.ModeAttribute, StageTracing.DryRunAttribute, StageTracing.StageCountPrefix + "deleted", StageTracing.CriticalPathStagesAttribute));
        // Destroy goes the other way: the pool only after the workloads on it.
        Assert.True(stages["pool"].StartTimeUtc >= End(stages["workloads"]));
    }

    private static DateTime End(Activity activity) => activity.StartTimeUtc + activity.Duration;

    // The tags' values as the exporter writes them, joined by '|'.
    private static string Tags(Activity activity, params string[] keys) =>
        string.Join("|", keys.Select(k => Convert.ToString(activity.GetTagItem(k), System.Globalization.CultureInfo.InvariantCulture)));
}
