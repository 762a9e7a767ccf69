using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VllmAspire.Contracts.Stages;

namespace VllmAspire.Provisioner.Stages;

/// <summary>
/// Runs a stage graph: each stage starts as soon as everything it waits for has completed (its dependencies when
/// deploying, its dependents when destroying), so independent stages run in parallel. A stage that fails (a
/// <see cref="ProvisioningException"/> or any unexpected exception) keeps the stages waiting for it from running,
/// naming it, while independent stages run to their end. Canceling stops running stages and starts no new ones.
/// Every run is traced (<see cref="StageTracing"/>): a span for the run and, under it, one per stage.
/// </summary>
/// <param name="timeProvider">The clock for stage times and the run's wall time.</param>
/// <param name="logger">Where observer failures are logged.</param>
internal sealed class StageRunner(TimeProvider timeProvider, ILogger<StageRunner>? logger = null)
{
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    /// <summary>Runs every stage of the graph once.</summary>
    /// <param name="graph">The stages.</param>
    /// <param name="options">The direction, dry run, labels and services.</param>
    /// <param name="observers">Who hears of every state change.</param>
    /// <param name="cancellationToken">Cancels the run (Ctrl+C).</param>
    /// <returns>The run's summary; never throws for a stage's failure or for cancellation.</returns>
    public async Task<RunSummary> RunAsync(StageGraph graph, StageRunOptions options, IReadOnlyList<IStageObserver> observers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(observers);
        var started = timeProvider.GetTimestamp();

        // The current span while the stages' tasks are created, so each stage's span is its child.
        using var span = StageTracing.StartRun(options);
        var run = new Run(this, observers);
        var context = new StageContext { DryRun = options.DryRun, Labels = options.Labels, Progress = run, Services = options.Services };
        var order = options.Mode == StageRunMode.Deploy ? graph.Stages : [.. graph.Stages.Reverse()];
        foreach (var stage in order)
        {
            run.Set(new StageStatus(stage.Name, KnownStageStates.Pending, null, null, null, []));
        }

        // Visiting stages in run order means every prerequisite's task exists before the stages waiting for it.
        var tasks = new Dictionary<string, Task<StageRunRecord>>(StringComparer.Ordinal);
        foreach (var stage in order)
        {
            var prerequisites = graph.GetPrerequisites(stage.Name, options.Mode).Select(p => tasks[p]).ToArray();
            tasks[stage.Name] = RunStageAsync(stage, prerequisites, options.Mode, context, run, cancellationToken);
        }

        var records = await Task.WhenAll(order.Select(s => tasks[s.Name])).ConfigureAwait(false);
        var wallTime = timeProvider.GetElapsedTime(started);
        var (critical, path) = RunSummary.ComputeCriticalPath(graph, options.Mode, records.ToDictionary(r => r.Name, r => r.Duration, StringComparer.Ordinal));
        var summary = new RunSummary(options.Mode, options.DryRun, records, wallTime, critical, path, cancellationToken.IsCancellationRequested);
        StageTracing.EndRun(span, summary);
        return summary;
    }

    private async Task<StageRunRecord> RunStageAsync(
        IProvisioningStage stage, Task<StageRunRecord>[] prerequisites, StageRunMode mode, StageContext context, Run run, CancellationToken cancellationToken)
    {
        var before = await Task.WhenAll(prerequisites).ConfigureAwait(false);
        if (before.FirstOrDefault(r => !r.Completed) is { } notDone)
        {
            // Name the stage that failed, not the blocked stage in between.
            var cause = notDone.BlockedBy ?? notDone.Name;
            var message = notDone.Canceled ? "not run: the run was canceled" : $"not run: stage '{cause}' failed";
            return run.NotRun(new StageRunRecord(stage.Name, KnownStageStates.Skipped, null, [], message, null, null, notDone.Canceled ? null : cause, notDone.Canceled));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return run.NotRun(new StageRunRecord(stage.Name, KnownStageStates.Skipped, null, [], "not run: the run was canceled", null, null, null, Canceled: true));
        }

        // The stage's span is the current one for its work: the calls it makes nest under it.
        using var span = StageTracing.StartStage(stage.Name);
        var start = timeProvider.GetUtcNow();
        run.Start(new StageStatus(stage.Name, KnownStageStates.Running, start, null, mode == StageRunMode.Deploy ? "reconciling" : "destroying", []), span);
        StageRunRecord record;
        Exception? error = null;
        try
        {
            // Off the caller's thread: a stage that does synchronous work first must not hold up its siblings' start.
            var result = await Task.Run(
                () => mode == StageRunMode.Deploy ? stage.ReconcileAsync(context, cancellationToken) : stage.DestroyAsync(context, cancellationToken),
                cancellationToken).ConfigureAwait(false);
            var objects = run.ObjectsOf(stage.Name).Concat(result.Objects).Distinct(StringComparer.Ordinal).ToArray();
            var state = result.Outcome == StageOutcome.Unchanged ? KnownStageStates.Skipped : KnownStageStates.Succeeded;
            record = new StageRunRecord(stage.Name, state, result.Outcome, objects, result.Message, start, timeProvider.GetUtcNow(), null, false);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            (record, error) = (Failed("canceled before it finished; whatever it created carries our labels, so the next run adopts it", canceled: true), e);
        }
        catch (ProvisioningException e)
        {
            (record, error) = (Failed(e.Message, canceled: false), e);
        }
        catch (Exception e)
        {
            // Anything else is a defect or an unexpected answer; it stops this stage like a permanent error.
            (record, error) = (Failed($"unexpected {e.GetType().Name}: {e.Message}", canceled: false), e);
        }

        return run.End(record, span, error);

        StageRunRecord Failed(string message, bool canceled) =>
            new(stage.Name, KnownStageStates.Failed, null, run.ObjectsOf(stage.Name), message, start, timeProvider.GetUtcNow(), null, canceled);
    }

    /// <summary>
    /// One run's current stage states; forwards every change, and every stage's progress, to the observers in order,
    /// and each object a stage reports to its span.
    /// </summary>
    private sealed class Run(StageRunner runner, IReadOnlyList<IStageObserver> observers) : IProgress<StageProgress>
    {
        private readonly Dictionary<string, StageStatus> _current = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Activity?> _spans = new(StringComparer.Ordinal);
        private readonly Lock _lock = new();

        public void Set(StageStatus status)
        {
            lock (_lock)
            {
                _current[status.Name] = status;
                foreach (var observer in observers)
                {
                    try
                    {
                        observer.OnStageChanged(status);
                    }
                    catch (Exception e)
                    {
                        // Progress reporting must never fail a deploy.
                        runner._logger.LogWarning(e, "Stage observer {Observer} failed on stage {Stage}", observer.GetType().Name, status.Name);
                    }
                }
            }
        }

        public void Start(StageStatus status, Activity? span)
        {
            lock (_lock)
            {
                _spans[status.Name] = span;
                Set(status);
            }
        }

        public StageRunRecord End(StageRunRecord record, Activity? span, Exception? error)
        {
            lock (_lock)
            {
                // Objects only the result names get their event now, at the stage's end.
                StageTracing.ObjectsTouched(span, record.Objects.Except(ObjectsOf(record.Name), StringComparer.Ordinal));
                _spans.Remove(record.Name);
            }

            StageTracing.EndStage(span, record, error);
            Set(new StageStatus(record.Name, record.State, record.Start, record.End, record.Message, record.Objects));
            return record;
        }

        public StageRunRecord NotRun(StageRunRecord record)
        {
            StageTracing.NotRun(record);
            Set(new StageStatus(record.Name, record.State, record.Start, record.End, record.Message, record.Objects));
            return record;
        }

        public IReadOnlyList<string> ObjectsOf(string stage)
        {
            lock (_lock)
            {
                return _current.TryGetValue(stage, out var status) ? status.Objects : [];
            }
        }

        public void Report(StageProgress value)
        {
            lock (_lock)
            {
                // Progress only counts while the stage runs; a late note from an ended stage would reopen it.
                if (!_current.TryGetValue(value.Stage, out var status) || status.State != KnownStageStates.Running)
                {
                    return;
                }

                var objects = status.Objects;
                if (value.Objects?.Except(status.Objects, StringComparer.Ordinal).Distinct(StringComparer.Ordinal).ToList() is { Count: > 0 } added)
                {
                    StageTracing.ObjectsTouched(_spans.GetValueOrDefault(value.Stage), added);
                    objects = [.. status.Objects, .. added];
                }

                Set(status with { Message = value.Message, Objects = objects });
            }
        }
    }
}
