using System.Globalization;
using Spectre.Console;
using VllmAspire.Contracts.Stages;

namespace VllmAspire.Provisioner.Stages.Observers;

/// <summary>
/// Shows a run in the terminal: a live table of every stage on an interactive terminal, one plain line per change
/// otherwise (CI logs, pipes), and a summary table at the end.
/// </summary>
/// <param name="console">The console.</param>
internal sealed class ConsoleStageReporter(IAnsiConsole console) : IStageObserver
{
    private readonly Dictionary<string, StageStatus> _stages = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Lock _lock = new();
    private bool _live;

    /// <inheritdoc />
    public void OnStageChanged(StageStatus status)
    {
        lock (_lock)
        {
            _stages.TryGetValue(status.Name, out var previous);
            if (previous is null)
            {
                _order.Add(status.Name);
            }

            _stages[status.Name] = status;
            if (!_live && (previous is null || previous.State != status.State || previous.Message != status.Message) && status.State != KnownStageStates.Pending)
            {
                // Plain, unwrapped lines: logs and scripts search them by stage and state.
                var time = DateTimeOffset.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
                console.Profile.Out.Writer.WriteLine($"{time} {status.Name} {status.State}{(status.Message is { } m ? " " + m : string.Empty)}");
            }
        }
    }

    /// <summary>Runs the work with the live table on an interactive terminal, plain lines otherwise.</summary>
    /// <typeparam name="T">The work's result.</typeparam>
    /// <param name="work">The run.</param>
    /// <returns>The work's result.</returns>
    public async Task<T> ShowAsync<T>(Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!console.Profile.Capabilities.Interactive)
        {
            return await work().ConfigureAwait(false);
        }

        lock (_lock)
        {
            _live = true;
        }

        try
        {
            return await console.Live(BuildTable()).AutoClear(false).StartAsync(async live =>
            {
                var task = work();
                while (!task.IsCompleted)
                {
                    live.UpdateTarget(BuildTable());
                    await Task.WhenAny(task, Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None)).ConfigureAwait(false);
                }

                live.UpdateTarget(BuildTable());
                return await task.ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
        finally
        {
            lock (_lock)
            {
                _live = false;
            }
        }
    }

    /// <summary>Writes the summary: one row per stage, then each error and the totals and times as plain, unwrapped lines.</summary>
    /// <param name="summary">The run's summary.</param>
    public void WriteSummary(RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var table = new Table().AddColumns("stage", "state", "result", "time", "objects", "message");
        foreach (var stage in summary.Stages)
        {
            var result = stage.Outcome?.ToString().ToLowerInvariant() ?? (stage.NotRun ? "not run" : "failed");
            table.AddRow(
                Markup.Escape(stage.Name),
                $"[{Color(stage.State)}]{stage.State}[/]",
                result,
                stage.NotRun ? "-" : Seconds(stage.Duration),
                stage.Objects.Count.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(stage.Message ?? string.Empty));
        }

        console.Write(table);
        var writer = console.Profile.Out.Writer;
        foreach (var failed in summary.Stages.Where(s => s.State == KnownStageStates.Failed))
        {
            writer.WriteLine($"error: stage {failed.Name}: {failed.Message ?? "failed"}");
        }

        writer.WriteLine(Describe(summary));
    }

    /// <summary>Describes a run's totals and times in one line, for the terminal and logs: wall time against the critical path (with its stages) and the sum of stages.</summary>
    /// <param name="summary">The run's summary.</param>
    /// <returns>The line.</returns>
    public static string Describe(RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var verb = summary.Mode == StageRunMode.Deploy ? "deploy" : "destroy";
        var how = summary.Canceled ? "canceled" : summary.Succeeded ? "succeeded" : "failed";
        return string.Create(CultureInfo.InvariantCulture,
            $"{verb}{(summary.DryRun ? " (dry run)" : string.Empty)} {how}: {summary.Stages.Count} stages: {summary.Created} created, {summary.Changed} changed, {summary.Unchanged} unchanged, {summary.Deleted} deleted, {summary.Failed} failed, {summary.Blocked} not run; wall time {Seconds(summary.WallTime)}, critical path {Seconds(summary.CriticalPath)}{Chain(summary.CriticalPathStages)}, sum of stages {Seconds(summary.SumOfStages)}");
    }

    private Table BuildTable()
    {
        var table = new Table().AddColumns("stage", "state", "time", "objects", "message");
        lock (_lock)
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var name in _order)
            {
                var s = _stages[name];
                var time = s.Start is { } start ? Seconds((s.End ?? now) - start) : "-";
                table.AddRow(Markup.Escape(s.Name), $"[{Color(s.State)}]{s.State}[/]", time, s.Objects.Count.ToString(CultureInfo.InvariantCulture), Markup.Escape(s.Message ?? string.Empty));
            }
        }

        return table;
    }

    private static string Chain(IReadOnlyList<string> stages) => stages.Count == 0 ? string.Empty : $" ({string.Join(" → ", stages)})";

    private static string Seconds(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:F1} s");

    private static string Color(string state) => state switch
    {
        KnownStageStates.Running => "blue",
        KnownStageStates.Succeeded => "green",
        KnownStageStates.Failed => "red",
        KnownStageStates.Skipped => "grey",
        _ => "default",
    };
}
