using System.Threading.Channels;
using Aspire.Hosting.Pipelines;
using VllmAspire.Contracts.Stages;
using VllmAspire.Provisioner.Stages;

namespace VllmAspire.Hosting.Gke;

/// <summary>
/// Shows each provisioning stage of a run as a task of the pipeline step, live in the <c>aspire</c> CLI: created when
/// the stage starts, updated with what it is doing, completed with what it did (an error with the API's message when
/// it failed). A stage that never ran (a stage it waits for failed, or the run was canceled) is completed with a
/// warning that says why. The engine calls observers synchronously, so changes are queued and reported in order by
/// one reader; reporting never fails or holds up a stage.
/// </summary>
internal sealed class StageTaskReporter : IStageObserver, IAsyncDisposable
{
    private readonly IReportingStep _step;
    private readonly Channel<StageStatus> _changes = Channel.CreateUnbounded<StageStatus>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, (IReportingTask Task, string Text)> _tasks = new(StringComparer.Ordinal);
    private readonly Task _reader;

    /// <summary>Initializes a new instance of the <see cref="StageTaskReporter"/> class.</summary>
    /// <param name="step">The pipeline step whose tasks the stages become.</param>
    public StageTaskReporter(IReportingStep step)
    {
        _step = step;
        _reader = ReportAsync();
    }

    /// <inheritdoc />
    public void OnStageChanged(StageStatus status) => _changes.Writer.TryWrite(status);

    /// <summary>Reports every change queued so far, then stops.</summary>
    /// <returns>A task that completes when every change is reported.</returns>
    public async ValueTask DisposeAsync()
    {
        _changes.Writer.TryComplete();
        await _reader.ConfigureAwait(false);
    }

    private async Task ReportAsync()
    {
        await foreach (var status in _changes.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await ReportAsync(status).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The CLI's connection is the pipeline's concern; a deploy goes on without its progress.
            }
        }
    }

    private async Task ReportAsync(StageStatus status)
    {
        if (status.State == KnownStageStates.Pending)
        {
            return;
        }

        // Not cancelable: the end of every stage is reported even when the run was canceled.
        var text = $"{status.Name}: {status.Message ?? status.State.ToLowerInvariant()}";
        if (!_tasks.TryGetValue(status.Name, out var task))
        {
            task = (await _step.CreateTaskAsync(status.State == KnownStageStates.Running ? text : status.Name, CancellationToken.None).ConfigureAwait(false), text);
            _tasks[status.Name] = task;
        }

        if (status.State == KnownStageStates.Running)
        {
            if (task.Text != text)
            {
                await task.Task.UpdateAsync(text, CancellationToken.None).ConfigureAwait(false);
                _tasks[status.Name] = task with { Text = text };
            }

            return;
        }

        var state = status.State switch
        {
            KnownStageStates.Failed => CompletionState.CompletedWithError,
            KnownStageStates.Skipped when status.Start is null => CompletionState.CompletedWithWarning,
            _ => CompletionState.Completed,
        };
        await task.Task.CompleteAsync($"{status.Name}: {status.Message ?? status.State.ToLowerInvariant()}", state, CancellationToken.None).ConfigureAwait(false);
        await task.Task.DisposeAsync().ConfigureAwait(false);
    }
}
