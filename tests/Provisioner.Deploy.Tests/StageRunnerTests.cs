using Microsoft.Extensions.DependencyInjection;
using VllmAspire.Contracts.Stages;
using VllmAspire.Provisioner.Stages;

namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>The runner's semantics with stages that really run: order, parallelism, failures, destroy, cancellation.</summary>
public sealed class StageRunnerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly CallLog _log = new();
    private readonly RecordingObserver _observer = new();

    private async Task<RunSummary> RunAsync(StageRunMode mode, IEnumerable<IProvisioningStage> stages, CancellationToken cancellationToken = default)
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        var options = new StageRunOptions { Mode = mode, Labels = new Dictionary<string, string> { ["app"] = "test" }, Services = services };
        return await new StageRunner(TimeProvider.System).RunAsync(StageGraph.Create(stages), options, [_observer], cancellationToken).WaitAsync(Deadline);
    }

    [Fact]
    public async Task Independent_stages_run_at_the_same_time()
    {
        // Each stage waits for the other to have started: run one after the other, the first would time out.
        var aStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<StageResult> Meet(TaskCompletionSource mine, TaskCompletionSource other)
        {
            mine.SetResult();
            await other.Task.WaitAsync(TimeSpan.FromSeconds(10));
            return new StageResult(StageOutcome.Created, ["x"]);
        }

        var summary = await RunAsync(StageRunMode.Deploy,
        [
            new TestStage("a", _log) { Reconcile = (_, _) => Meet(aStarted, bStarted) },
            new TestStage("b", _log) { Reconcile = (_, _) => Meet(bStarted, aStarted) },
            new TestStage("c", _log, "a", "b"),
        ]);

        Assert.True(summary.Succeeded, ConsoleDescription(summary));
        Assert.True(_log.SequenceOf("c", "reconcile-start") > Math.Max(_log.SequenceOf("a", "reconcile-end"), _log.SequenceOf("b", "reconcile-end")));
    }

    [Fact]
    public async Task A_stage_starts_only_after_all_its_dependencies_ended_and_a_chain_runs_in_order()
    {
        var summary = await RunAsync(StageRunMode.Deploy,
        [
            new TestStage("workloads", _log, "disks", "node-pool"),
            new TestStage("disks", _log, "weights-image"),
            new TestStage("weights-image", _log),
            new TestStage("node-pool", _log, "image-cache"),
            new TestStage("image-cache", _log),
        ]);

        Assert.True(summary.Succeeded, ConsoleDescription(summary));
        foreach (var (stage, dependency) in new[] { ("workloads", "disks"), ("workloads", "node-pool"), ("disks", "weights-image"), ("node-pool", "image-cache") })
        {
            Assert.True(_log.SequenceOf(stage, "reconcile-start") > _log.SequenceOf(dependency, "reconcile-end"), $"{stage} started before {dependency} ended");
        }

        Assert.Equal(5, summary.Created);
        Assert.Equal(["test/workloads"], summary.Stages.Single(s => s.Name == "workloads").Objects);
    }

    [Fact]
    public async Task A_failing_stage_blocks_its_dependents_naming_it_while_independent_stages_finish()
    {
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var summary = await RunAsync(StageRunMode.Deploy,
        [
            new TestStage("image", _log)
            {
                Reconcile = (_, _) =>
                {
                    failed.SetResult();
                    throw new ProvisioningException("compute/v1/projects/p/global/images/i", "403 Forbidden (accessNotConfigured)", "Enable the Compute Engine API.");
                },
            },
            new TestStage("node-pool", _log, "image"),
            new TestStage("workloads", _log, "node-pool"),
            // Independent, and still running when "image" fails: it must run to its end.
            new TestStage("disks", _log) { Reconcile = async (_, _) => { await failed.Task.WaitAsync(TimeSpan.FromSeconds(10)); return new StageResult(StageOutcome.Created, ["disk"]); } },
        ]);

        Assert.False(summary.Succeeded);
        var image = summary.Stages.Single(s => s.Name == "image");
        Assert.Equal(KnownStageStates.Failed, image.State);
        Assert.Contains("403 Forbidden (accessNotConfigured)", image.Message, StringComparison.Ordinal);
        Assert.Contains("Enable the Compute Engine API.", image.Message, StringComparison.Ordinal);
        foreach (var blocked in new[] { "node-pool", "workloads" })
        {
            var record = summary.Stages.Single(s => s.Name == blocked);
            Assert.True(record.NotRun);
            Assert.Equal("image", record.BlockedBy);
            Assert.Equal("not run: stage 'image' failed", record.Message);
        }

        Assert.DoesNotContain("node-pool", _log.StagesThatDid("reconcile-start"));
        Assert.DoesNotContain("workloads", _log.StagesThatDid("reconcile-start"));
        Assert.True(summary.Stages.Single(s => s.Name == "disks").Completed);
        Assert.Equal((1, 2, 1), (summary.Failed, summary.Blocked, summary.Created));
    }

    [Fact]
    public async Task An_unexpected_exception_fails_the_stage_like_a_permanent_error()
    {
        var summary = await RunAsync(StageRunMode.Deploy,
        [
            new TestStage("broken", _log) { Reconcile = (_, _) => throw new InvalidOperationException("the operation answered no name") },
            new TestStage("after", _log, "broken"),
        ]);

        var broken = summary.Stages.Single(s => s.Name == "broken");
        Assert.Equal(KnownStageStates.Failed, broken.State);
        Assert.Equal("unexpected InvalidOperationException: the operation answered no name", broken.Message);
        Assert.Equal("broken", summary.Stages.Single(s => s.Name == "after").BlockedBy);
    }

    [Fact]
    public async Task Destroy_runs_every_stage_after_the_stages_that_depend_on_it()
    {
        var summary = await RunAsync(StageRunMode.Destroy,
        [
            new TestStage("image-cache", _log),
            new TestStage("node-pool", _log, "image-cache"),
            new TestStage("weights", _log),
            new TestStage("workloads", _log, "node-pool", "weights"),
        ]);

        Assert.True(summary.Succeeded, ConsoleDescription(summary));
        Assert.Empty(_log.StagesThatDid("reconcile-start"));
        Assert.Equal(4, summary.Deleted);
        foreach (var (first, then) in new[] { ("workloads", "node-pool"), ("workloads", "weights"), ("node-pool", "image-cache") })
        {
            Assert.True(_log.SequenceOf(then, "destroy-start") > _log.SequenceOf(first, "destroy-end"), $"{then} was destroyed before {first} was");
        }

        // The summary lists stages in the reverse of deploy order.
        Assert.Equal(["workloads", "weights", "node-pool", "image-cache"], summary.Stages.Select(s => s.Name));
    }

    [Fact]
    public async Task A_failed_destroy_keeps_what_it_depends_on()
    {
        var summary = await RunAsync(StageRunMode.Destroy,
        [
            new TestStage("node-pool", _log),
            new TestStage("workloads", _log, "node-pool") { Destroy = (_, _) => throw new ProvisioningException("kubernetes/Deployment/vllm/vllm", "409 Conflict", "Retry destroy.") },
            new TestStage("weights", _log),
        ]);

        Assert.Equal("workloads", summary.Stages.Single(s => s.Name == "node-pool").BlockedBy);
        Assert.DoesNotContain("node-pool", _log.StagesThatDid("destroy-start"));
        Assert.Contains("weights", _log.StagesThatDid("destroy-end"));
    }

    [Fact]
    public void A_cycle_is_an_error_naming_its_stages()
    {
        var e = Assert.Throws<StageGraphException>(() => StageGraph.Create(
            [new TestStage("start", _log), new TestStage("a", _log, "start", "c"), new TestStage("b", _log, "a"), new TestStage("c", _log, "b")]));
        Assert.Contains("'a' → 'c' → 'b' → 'a'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'start'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_dependency_is_an_error_naming_the_stage_and_the_dependency()
    {
        var e = Assert.Throws<StageGraphException>(() => StageGraph.Create([new TestStage("node-pool", _log, "image-cache-image")]));
        Assert.StartsWith("Stage 'node-pool' depends on 'image-cache-image', which is neither a stage nor provided by one", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_names_and_objects_provided_twice_are_errors()
    {
        Assert.Contains("Two stages are named 'a'", Assert.Throws<StageGraphException>(() => StageGraph.Create([new TestStage("a", _log), new TestStage("a", _log)])).Message, StringComparison.Ordinal);
        var twice = Assert.Throws<StageGraphException>(() => StageGraph.Create(
            [new TestStage("a", _log) { Provides = ["disk"] }, new TestStage("b", _log) { Provides = ["disk"] }]));
        Assert.Contains("Stages 'a' and 'b' both provide 'disk'", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dependency_on_an_object_waits_for_the_stage_that_provides_it()
    {
        var summary = await RunAsync(StageRunMode.Deploy,
        [
            new TestStage("weights-image", _log, "kubernetes/Job/vllm/gemma-7b-bake"),
            new TestStage("bake", _log) { Provides = ["kubernetes/Job/vllm/gemma-7b-bake", "kubernetes/PersistentVolumeClaim/vllm/gemma-7b-bake"] },
        ]);

        Assert.True(summary.Succeeded, ConsoleDescription(summary));
        Assert.True(_log.SequenceOf("weights-image", "reconcile-start") > _log.SequenceOf("bake", "reconcile-end"));
    }

    [Fact]
    public async Task Canceling_stops_running_stages_starts_no_more_and_still_returns_a_summary()
    {
        using var cancel = new CancellationTokenSource();
        var summary = await RunAsync(StageRunMode.Deploy,
        [
            new TestStage("done", _log),
            new TestStage("long", _log)
            {
                Reconcile = async (context, ct) =>
                {
                    context.Progress.Report(new StageProgress("long", "operation-1 RUNNING", ["compute/v1/projects/p/zones/z/instances/builder"]));
                    await cancel.CancelAsync();
                    await Task.Delay(Timeout.Infinite, ct);
                    return StageResult.Unchanged();
                },
            },
            new TestStage("after", _log, "long", "done"),
        ], cancel.Token);

        Assert.True(summary.Canceled);
        Assert.False(summary.Succeeded);
        var longStage = summary.Stages.Single(s => s.Name == "long");
        Assert.Equal((KnownStageStates.Failed, true), (longStage.State, longStage.Canceled));
        Assert.Equal(["compute/v1/projects/p/zones/z/instances/builder"], longStage.Objects);
        var after = summary.Stages.Single(s => s.Name == "after");
        Assert.True(after.NotRun && after.Canceled);
        Assert.Null(after.BlockedBy);
        Assert.DoesNotContain("after", _log.StagesThatDid("reconcile-start"));
    }

    [Fact]
    public async Task Observers_see_each_stage_go_pending_running_then_end_with_progress_in_between()
    {
        await RunAsync(StageRunMode.Deploy,
        [
            new TestStage("pool", _log)
            {
                Reconcile = (context, _) =>
                {
                    context.Progress.Report(new StageProgress("pool", "operation-7 RUNNING", ["container/v1/pool"]));
                    return Task.FromResult(new StageResult(StageOutcome.Changed, ["container/v1/pool"], "updated autoscaling"));
                },
            },
            new TestStage("fine", _log) { Reconcile = (_, _) => Task.FromResult(StageResult.Unchanged("x")) },
        ]);

        var pool = _observer.Changes.Where(c => c.Name == "pool").ToList();
        Assert.Equal([KnownStageStates.Pending, KnownStageStates.Running, KnownStageStates.Running, KnownStageStates.Succeeded], pool.Select(c => c.State));
        Assert.Equal("operation-7 RUNNING", pool[2].Message);
        Assert.Equal(["container/v1/pool"], pool[3].Objects);
        Assert.Equal("updated autoscaling", pool[3].Message);
        Assert.NotNull(pool[3].End);
        // Nothing to do is reported as Skipped, which the dashboard shows as "already matched".
        Assert.Equal(KnownStageStates.Skipped, _observer.Changes.Last(c => c.Name == "fine").State);
    }

    [Fact]
    public async Task The_summary_counts_each_outcome_and_its_times_bound_each_other()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var summary = await RunAsync(StageRunMode.Deploy,
        [
            new TestStage("created", _log),
            new TestStage("changed", _log) { Reconcile = (_, _) => Task.FromResult(new StageResult(StageOutcome.Changed, ["c"])) },
            new TestStage("unchanged", _log) { Reconcile = (_, _) => Task.FromResult(StageResult.Unchanged("u")) },
            new TestStage("deleted", _log) { Reconcile = async (_, _) => { await Task.Yield(); gate.SetResult(); return new StageResult(StageOutcome.Deleted, ["d"]); } },
            new TestStage("failed", _log, "deleted") { Reconcile = (_, _) => throw new ProvisioningException("r", "400 Bad Request", "fix it") },
            new TestStage("blocked", _log, "failed"),
        ]);

        Assert.Equal((1, 1, 1, 1, 1, 1), (summary.Created, summary.Changed, summary.Unchanged, summary.Deleted, summary.Failed, summary.Blocked));
        Assert.True(summary.CriticalPath <= summary.SumOfStages);
        Assert.True(summary.CriticalPath <= summary.WallTime, $"critical path {summary.CriticalPath} > wall {summary.WallTime}");
        Assert.Equal(summary.Stages.Where(s => !s.NotRun).Aggregate(TimeSpan.Zero, (t, s) => t + (s.End!.Value - s.Start!.Value)), summary.SumOfStages);
    }

    [Fact]
    public void The_critical_path_is_the_longest_chain_of_durations_in_the_run_direction()
    {
        var graph = StageGraph.Create(
        [
            new TestStage("image-cache", _log),
            new TestStage("node-pool", _log, "image-cache"),
            new TestStage("weights-image", _log),
            new TestStage("disks", _log, "weights-image"),
            new TestStage("workloads", _log, "node-pool", "disks"),
        ]);
        var durations = new Dictionary<string, TimeSpan>
        {
            ["image-cache"] = TimeSpan.FromMinutes(12),
            ["node-pool"] = TimeSpan.FromMinutes(6),
            ["weights-image"] = TimeSpan.FromMinutes(15),
            ["disks"] = TimeSpan.FromMinutes(1),
            ["workloads"] = TimeSpan.FromMinutes(3),
        };

        // image-cache → node-pool → workloads = 21 min beats weights-image → disks → workloads = 19 min.
        var deploy = RunSummary.ComputeCriticalPath(graph, StageRunMode.Deploy, durations);
        Assert.Equal(TimeSpan.FromMinutes(21), deploy.Length);
        Assert.Equal(["image-cache", "node-pool", "workloads"], deploy.Stages);
        var destroy = RunSummary.ComputeCriticalPath(graph, StageRunMode.Destroy, durations);
        Assert.Equal(TimeSpan.FromMinutes(21), destroy.Length);
        Assert.Equal(["workloads", "node-pool", "image-cache"], destroy.Stages);
        durations["weights-image"] = TimeSpan.FromMinutes(30);
        deploy = RunSummary.ComputeCriticalPath(graph, StageRunMode.Deploy, durations);
        Assert.Equal(TimeSpan.FromMinutes(34), deploy.Length);
        Assert.Equal(["weights-image", "disks", "workloads"], deploy.Stages);
        var empty = RunSummary.ComputeCriticalPath(StageGraph.Create([]), StageRunMode.Deploy, durations);
        Assert.Equal(TimeSpan.Zero, empty.Length);
        Assert.Empty(empty.Stages);
    }

    private static string ConsoleDescription(RunSummary summary) =>
        Stages.Observers.ConsoleStageReporter.Describe(summary) + ": " + string.Join("; ", summary.Stages.Select(s => $"{s.Name} {s.State} {s.Message}"));
}
