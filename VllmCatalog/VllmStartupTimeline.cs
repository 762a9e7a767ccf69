namespace VllmAspire.VllmCatalog;

/// <summary>One phase of a start, with what the log said about it.</summary>
/// <param name="Phase">The phase.</param>
/// <param name="Start">When it began.</param>
/// <param name="End">When it ended.</param>
/// <param name="WeightsGib">For the weight load: the weights' size.</param>
/// <param name="CompileCacheHit">For the compile: whether the graphs came from the cache (<see langword="null"/> when the log does not say).</param>
/// <param name="CompileCacheDirectory">For the compile: the cache folder vLLM named.</param>
public sealed record VllmStartupPhaseTiming(
    VllmStartupPhase Phase,
    DateTimeOffset Start,
    DateTimeOffset End,
    double? WeightsGib = null,
    bool? CompileCacheHit = null,
    string? CompileCacheDirectory = null)
{
    /// <summary>Gets how long the phase took.</summary>
    public TimeSpan Duration => End - Start;
}

/// <summary>
/// Turns timed start-up milestones (from <see cref="VllmStartupLog"/>) into phases. vLLM stamps lines to the second
/// but reports durations precisely, so a phase that reports its duration starts that long before its line; phases never
/// overlap and never run backwards.
/// </summary>
public static class VllmStartupTimeline
{
    /// <summary>Builds the phases of one start.</summary>
    /// <param name="processStart">When the vLLM process (the container) started.</param>
    /// <param name="marks">The milestones with the time each line was written, in log order.</param>
    /// <param name="ready">When the server was known ready (e.g. the pod's Ready condition); else the log's own ready line.</param>
    /// <returns>The phases the log shows, in order; phases it says nothing about are left out.</returns>
    public static IReadOnlyList<VllmStartupPhaseTiming> Build(DateTimeOffset processStart, IEnumerable<(DateTimeOffset At, VllmStartupMark Mark)> marks, DateTimeOffset? ready = null)
    {
        ArgumentNullException.ThrowIfNull(marks);
        var list = marks.ToList();
        (DateTimeOffset At, VllmStartupMark Mark)? Last(VllmStartupMarkKind kind) =>
            list.LastOrDefault(m => m.Mark.Kind == kind) is { Mark: not null } found ? found : null;

        var phases = new List<VllmStartupPhaseTiming>();
        var cursor = processStart;
        void Add(VllmStartupPhase phase, DateTimeOffset start, DateTimeOffset end, double? gib = null, bool? hit = null, string? dir = null)
        {
            start = Max(start, cursor);
            end = Max(end, start);
            phases.Add(new VllmStartupPhaseTiming(phase, start, end, gib, hit, dir));
            cursor = end;
        }

        if (list.Count == 0)
        {
            return phases;
        }

        // The runner's time covers the loader's and the model's set-up; V0 reports no time at all.
        var model = Last(VllmStartupMarkKind.ModelLoaded);
        var loader = Last(VllmStartupMarkKind.WeightsLoaded);
        var loaded = model ?? loader;
        DateTimeOffset? loadStart = loaded is { } l && (model?.Mark.Seconds ?? loader?.Mark.Seconds) is { } loadSeconds
            ? l.At - TimeSpan.FromSeconds(loadSeconds)
            : null;

        // Imports end with vLLM's first line (a log cut short before the weights ends them no later than the load's start).
        var firstLine = Last(VllmStartupMarkKind.ServerVersion)?.At ?? list[0].At;
        Add(VllmStartupPhase.Imports, processStart, loadStart is { } ls && ls < firstLine ? ls : firstLine);
        if (loaded is { } done)
        {
            Add(VllmStartupPhase.Engine, cursor, loadStart ?? cursor);
            Add(VllmStartupPhase.WeightLoad, loadStart ?? cursor, done.At, gib: model?.Mark.Gib);
        }

        var total = Last(VllmStartupMarkKind.CompileFinished);
        var hit = Last(VllmStartupMarkKind.CompileCacheHit);
        var miss = Last(VllmStartupMarkKind.GraphCompiled);
        if ((total ?? hit ?? miss) is { } compiled)
        {
            var dynamo = Last(VllmStartupMarkKind.DynamoTransform)?.Mark.Seconds ?? 0;
            var seconds = total?.Mark.Seconds ?? dynamo + ((hit ?? miss)?.Mark.Seconds ?? 0);
            bool? cacheHit = hit is not null ? true : miss is not null ? false : null;
            Add(VllmStartupPhase.Compile, compiled.At - TimeSpan.FromSeconds(seconds), compiled.At, hit: cacheHit,
                dir: Last(VllmStartupMarkKind.CompileCacheDirectory)?.Mark.Text);
        }

        if (Last(VllmStartupMarkKind.GraphCaptureFinished) is { } graphs)
        {
            Add(VllmStartupPhase.GraphCapture, graphs.At - TimeSpan.FromSeconds(graphs.Mark.Seconds ?? 0), graphs.At);
        }

        var end = ready ?? Last(VllmStartupMarkKind.ApplicationStartupComplete)?.At ?? Last(VllmStartupMarkKind.ApiServerStarting)?.At;
        if (end is { } r)
        {
            Add(VllmStartupPhase.Ready, cursor, r);
        }

        return phases;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;
}
