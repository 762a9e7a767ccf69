using System.Collections.Concurrent;
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VllmAspire.Hosting.Gke;
using VllmAspire.Provisioner.Stages;

namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>How a run's stages become tasks of the deploy step, with the engine's real runner.</summary>
public sealed class StageTaskReporterTests
{
    private readonly CallLog _log = new();

    [Fact]
    public async Task Each_stage_is_a_task_started_when_it_runs_updated_with_its_progress_and_completed_with_its_outcome()
    {
        var step = new RecordingStep();
        var reporter = new StageTaskReporter(step);
        await using (reporter)
        {
            using var services = new ServiceCollection().BuildServiceProvider();
            var options = new StageRunOptions { Mode = StageRunMode.Deploy, Labels = new Dictionary<string, string> { ["app"] = "test" }, Services = services };
            await new StageRunner(TimeProvider.System).RunAsync(StageGraph.Create(
            [
                new TestStage("disk", _log)
                {
                    Reconcile = (context, _) =>
                    {
                        // The same note twice is one update.
                        context.Progress.Report(new StageProgress("disk", "operation-1 RUNNING"));
                        context.Progress.Report(new StageProgress("disk", "operation-1 RUNNING"));
                        context.Progress.Report(new StageProgress("disk", "operation-1 DONE"));
                        return Task.FromResult(new StageResult(StageOutcome.Created, ["disk"], "created disk d"));
                    },
                },
                new TestStage("pool", _log) { Reconcile = (_, _) => throw new ProvisioningException("pool p", "403 Forbidden", "grant the role") },
                new TestStage("workload", _log, "disk", "pool"),
                new TestStage("image", _log) { Reconcile = (_, _) => Task.FromResult(StageResult.Unchanged("image")) },
            ]), options, [reporter], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(
            ["create disk: reconciling", "update disk: operation-1 RUNNING", "update disk: operation-1 DONE", $"complete {CompletionState.Completed} disk: created disk d"],
            step.TaskCalls("disk"));
        Assert.Equal(["create pool: reconciling", $"complete {CompletionState.CompletedWithError} pool: pool p: 403 Forbidden. grant the role"], step.TaskCalls("pool"));
        Assert.Equal(["create image: reconciling", $"complete {CompletionState.Completed} image: up to date"], step.TaskCalls("image"));
        // It never ran: one task, a warning that names the stage that failed.
        Assert.Equal(["create workload", $"complete {CompletionState.CompletedWithWarning} workload: not run: stage 'pool' failed"], step.TaskCalls("workload"));
    }

    /// <summary>A pipeline step that keeps every call its tasks receive.</summary>
    private sealed class RecordingStep : IReportingStep
    {
        private readonly ConcurrentQueue<(string Stage, string Call)> _calls = new();

        public IReadOnlyList<string> TaskCalls(string stage) => [.. _calls.Where(c => c.Stage == stage).Select(c => c.Call)];

        public Task<IReportingTask> CreateTaskAsync(string statusText, CancellationToken cancellationToken = default)
        {
            var stage = statusText.Split(':')[0];
            _calls.Enqueue((stage, $"create {statusText}"));
            return Task.FromResult<IReportingTask>(new RecordingTask(stage, _calls));
        }

        public Task<IReportingTask> CreateTaskAsync(MarkdownString statusText, CancellationToken cancellationToken = default) => CreateTaskAsync(statusText.Value, cancellationToken);

        [Obsolete("Use Log(LogLevel, string) or Log(LogLevel, MarkdownString) instead.")]
        public void Log(LogLevel logLevel, string message, bool enableMarkdown) => Log(logLevel, message);

        public void Log(LogLevel logLevel, string message) => _calls.Enqueue(("", $"log {message}"));

        public void Log(LogLevel logLevel, MarkdownString message) => Log(logLevel, message.Value);

        public Task CompleteAsync(string completionText, CompletionState completionState = CompletionState.Completed, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task CompleteAsync(MarkdownString completionText, CompletionState completionState = CompletionState.Completed, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class RecordingTask(string stage, ConcurrentQueue<(string Stage, string Call)> calls) : IReportingTask
    {
        public Task UpdateAsync(string statusText, CancellationToken cancellationToken = default)
        {
            calls.Enqueue((stage, $"update {statusText}"));
            return Task.CompletedTask;
        }

        public Task UpdateAsync(MarkdownString statusText, CancellationToken cancellationToken = default) => UpdateAsync(statusText.Value, cancellationToken);

        public Task CompleteAsync(string? completionMessage = null, CompletionState completionState = CompletionState.Completed, CancellationToken cancellationToken = default)
        {
            calls.Enqueue((stage, $"complete {completionState} {completionMessage}"));
            return Task.CompletedTask;
        }

        public Task CompleteAsync(MarkdownString completionMessage, CompletionState completionState = CompletionState.Completed, CancellationToken cancellationToken = default) =>
            CompleteAsync(completionMessage.Value, completionState, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
