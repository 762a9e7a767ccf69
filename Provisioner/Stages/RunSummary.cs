using VllmAspire.Contracts.Stages;

namespace VllmAspire.Provisioner.Stages;

/// <summary>What a deploy or destroy run did: every stage's end, and how long the run took against its graph.</summary>
/// <param name="Mode">Deploy or destroy.</param>
/// <param name="DryRun">Whether stages only reported what they would change.</param>
/// <param name="Stages">Every stage's record, in the order the run visited the graph.</param>
/// <param name="WallTime">From the run's start to its end.</param>
/// <param name="CriticalPath">
/// The longest chain of stage durations through the graph: the least wall time any scheduler could reach with these
/// durations. A wall time near it means independent stages really ran in parallel.
/// </param>
/// <param name="CriticalPathStages">The stages of <paramref name="CriticalPath"/>, in the order they ran: what to make faster to make the run faster.</param>
/// <param name="Canceled">Whether the run was canceled before it finished.</param>
internal sealed record RunSummary(
    StageRunMode Mode,
    bool DryRun,
    IReadOnlyList<StageRunRecord> Stages,
    TimeSpan WallTime,
    TimeSpan CriticalPath,
    IReadOnlyList<string> CriticalPathStages,
    bool Canceled)
{
    /// <summary>Gets the stages that created objects.</summary>
    public int Created => Count(StageOutcome.Created);

    /// <summary>Gets the stages that changed existing objects.</summary>
    public int Changed => Count(StageOutcome.Changed);

    /// <summary>Gets the stages that found nothing to do.</summary>
    public int Unchanged => Count(StageOutcome.Unchanged);

    /// <summary>Gets the stages that deleted objects.</summary>
    public int Deleted => Count(StageOutcome.Deleted);

    /// <summary>Gets the stages that failed (a permanent error, an unexpected exception, or canceled while running).</summary>
    public int Failed => Stages.Count(s => s.State == KnownStageStates.Failed);

    /// <summary>Gets the stages that did not run because a stage they wait for failed or the run was canceled.</summary>
    public int Blocked => Stages.Count(s => s.NotRun);

    /// <summary>Gets the sum of every stage's duration: what running the stages one after another would take.</summary>
    public TimeSpan SumOfStages => Stages.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Duration);

    /// <summary>Gets a value indicating whether every stage ran to the end without error.</summary>
    public bool Succeeded => !Canceled && Stages.All(s => s.Completed);

    private int Count(StageOutcome outcome) => Stages.Count(s => s.Outcome == outcome);

    /// <summary>
    /// Computes the critical path of a run: for each stage, its duration plus the longest path to it over what it
    /// waited for; the path is the chain that ends last.
    /// </summary>
    /// <param name="graph">The graph.</param>
    /// <param name="mode">The run's direction.</param>
    /// <param name="durations">Each stage's duration (stages that did not run count zero).</param>
    /// <returns>The longest path's length and its stages in run order (none for an empty graph).</returns>
    public static (TimeSpan Length, IReadOnlyList<string> Stages) ComputeCriticalPath(StageGraph graph, StageRunMode mode, IReadOnlyDictionary<string, TimeSpan> durations)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(durations);
        var order = mode == StageRunMode.Deploy ? graph.Stages : graph.Stages.Reverse();
        var finish = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var previous = new Dictionary<string, string?>(StringComparer.Ordinal);
        string? last = null;
        foreach (var stage in order)
        {
            // The prerequisite that finishes last is the one this stage really waited for.
            var before = graph.GetPrerequisites(stage.Name, mode).MaxBy(p => finish[p]);
            finish[stage.Name] = (before is null ? TimeSpan.Zero : finish[before]) + durations.GetValueOrDefault(stage.Name);
            previous[stage.Name] = before;
            // On a tie the later stage wins: it ends the longer chain.
            if (last is null || finish[stage.Name] >= finish[last])
            {
                last = stage.Name;
            }
        }

        var path = new List<string>();
        for (var stage = last; stage is not null; stage = previous[stage])
        {
            path.Insert(0, stage);
        }

        return (last is null ? TimeSpan.Zero : finish[last], path);
    }
}
