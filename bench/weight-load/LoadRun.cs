using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using VllmAspire.Hosting.ServiceProjects;
using VllmAspire.VllmCatalog;

namespace VllmAspire.Bench.WeightLoad;

/// <summary>One measured run on a freshly mounted (cold) disk.</summary>
/// <param name="ReadySeconds">Time to ready: from the simulator's first line (the engine's start; no imports with <c>--engine-start-seconds</c>) to its "Starting vLLM API server" line, as the seed's timer wraps <c>LLM()</c> and not the imports; or the prefetch time alone.</param>
/// <param name="WeightLoadSeconds">The simulator's "Loading weights took", or the prefetch time.</param>
/// <param name="PrefetchSeconds">The prefetcher's own time, when it ran.</param>
/// <param name="PrefetchMBps">The prefetcher's MB/s, when it ran.</param>
/// <param name="FirstLineSeconds">For a whole start: launch to vLLM's first line (the imports, here .NET's start and the simulated imports).</param>
/// <param name="CompileSeconds">For a whole start: vLLM's <c>torch.compile takes N s in total</c>.</param>
public sealed partial record LoadRun(double ReadySeconds, double WeightLoadSeconds, double? PrefetchSeconds, double? PrefetchMBps, double? FirstLineSeconds = null, double? CompileSeconds = null)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);

    /// <summary>Runs one case against a mounted model.</summary>
    /// <param name="modelPath">The model folder on the mount.</param>
    /// <param name="profile">The disk profile (for the engine start).</param>
    /// <param name="loadCase">The case.</param>
    /// <param name="prefetchArgs">Extra prefetch arguments (concurrency, block size).</param>
    /// <param name="compileCacheRoot">For <see cref="LoadCase.WholePrefetchCache"/>: the compile cache holding the start's entry (<see cref="WarmCompileCacheAsync"/>).</param>
    /// <returns>The measurement.</returns>
    public static async Task<LoadRun> MeasureAsync(string modelPath, DiskProfile profile, LoadCase loadCase, string[] prefetchArgs, string? compileCacheRoot = null)
    {
        if (loadCase == LoadCase.PrefetchAlone)
        {
            using var alone = Start(ProvisionerProject.TargetPath, ["prefetch", modelPath, .. prefetchArgs]);
            var (seconds, mbps) = await PrefetchReportAsync(alone).ConfigureAwait(false);
            return new LoadRun(seconds, seconds, seconds, mbps);
        }

        if (loadCase is LoadCase.WholeRecipe or LoadCase.WholePrefetch or LoadCase.WholePrefetchCache)
        {
            return await MeasureWholeStartAsync(modelPath, profile, loadCase, prefetchArgs, compileCacheRoot).ConfigureAwait(false);
        }

        using var simulator = Start(VllmSimulatorProject.TargetPath,
        [
            "--model", modelPath, "--port", "0", "--vllm-version", "0.10.1", "--disable-log-stats",
            "--engine-start-seconds", profile.EngineStartSeconds.ToString("F3", CultureInfo.InvariantCulture),
        ]);
        // Started together, as kubelet starts a native sidecar and then, without a startup probe, vLLM at once.
        using var sidecar = loadCase == LoadCase.WithPrefetchSidecar
            ? Start(ProvisionerProject.TargetPath, ["prefetch", modelPath, .. prefetchArgs])
            : null;
        var prefetch = sidecar is null ? null : PrefetchReportAsync(sidecar);
        double? ready = null, load = null;
        Stopwatch? engine = null;
        using var cts = new CancellationTokenSource(Deadline);
        try
        {
            // Read with the one start-up grammar. With --engine-start-seconds there are no imports, so vLLM's first line
            // starts the engine: from it to "Starting vLLM API server" is what the seed's timer around LLM() measured.
            while (ready is null && await simulator.StandardOutput.ReadLineAsync(cts.Token).ConfigureAwait(false) is { } line)
            {
                if (!VllmStartupLog.TryParse(line, out _, out var mark))
                {
                    continue;
                }

                switch (mark.Kind)
                {
                    case VllmStartupMarkKind.ServerVersion:
                        engine = Stopwatch.StartNew();
                        break;
                    case VllmStartupMarkKind.WeightsLoaded:
                        load = mark.Seconds;
                        break;
                    case VllmStartupMarkKind.ApiServerStarting when engine is not null:
                        ready = engine.Elapsed.TotalSeconds;
                        break;
                }
            }
        }
        finally
        {
            simulator.Kill(entireProcessTree: true);
            await simulator.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        if (ready is null || load is null)
        {
            throw new InvalidOperationException($"The simulator did not report ready: {await simulator.StandardError.ReadToEndAsync().ConfigureAwait(false)}");
        }

        var (pSeconds, pMbps) = prefetch is null ? (default(double?), default(double?)) : await prefetch.ConfigureAwait(false);
        return new LoadRun(ready.Value, load.Value, pSeconds, pMbps);
    }

    /// <summary>
    /// The arguments of a whole start: a current vLLM's phases at their reference durations, scaled like the disk (so
    /// imports and engine overlap the I/O as at full scale); the compile cache only when given.
    /// </summary>
    private static string[] WholeStartArgs(string modelPath, double timeScale, string? compileCacheRoot) =>
    [
        "--model", modelPath, "--port", "0", "--vllm-version", "0.10.1", "--disable-log-stats",
        "--startup-time-scale", timeScale.ToString("F4", CultureInfo.InvariantCulture),
        .. compileCacheRoot is null ? Array.Empty<string>() : ["--compile-cache-root", compileCacheRoot],
    ];

    /// <summary>Runs one start (instantly) so the cache under <paramref name="compileCacheRoot"/> holds the entry of a start on <paramref name="modelPath"/>.</summary>
    /// <param name="modelPath">The model folder on the mount (part of the cache key).</param>
    /// <param name="compileCacheRoot">The cache root.</param>
    /// <returns>A task.</returns>
    public static async Task WarmCompileCacheAsync(string modelPath, string compileCacheRoot)
    {
        using var simulator = Start(VllmSimulatorProject.TargetPath, WholeStartArgs(modelPath, 0, compileCacheRoot));
        await ReadUntilReadyAsync(simulator, _ => { }).ConfigureAwait(false);
    }

    /// <summary>
    /// A whole start, timed from the process's launch (the container's start) to vLLM's "Starting vLLM API server"
    /// line; the sidecar, when there is one, is launched at the same instant.
    /// </summary>
    private static async Task<LoadRun> MeasureWholeStartAsync(string modelPath, DiskProfile profile, LoadCase loadCase, string[] prefetchArgs, string? compileCacheRoot)
    {
        if (loadCase == LoadCase.WholePrefetchCache && compileCacheRoot is null)
        {
            throw new ArgumentException("The prefetch + compile cache case needs a warmed compile cache root.", nameof(compileCacheRoot));
        }

        var clock = Stopwatch.StartNew();
        using var simulator = Start(VllmSimulatorProject.TargetPath, WholeStartArgs(modelPath, profile.TimeScale, loadCase == LoadCase.WholePrefetchCache ? compileCacheRoot : null));
        using var sidecar = loadCase == LoadCase.WholeRecipe ? null : Start(ProvisionerProject.TargetPath, ["prefetch", modelPath, .. prefetchArgs]);
        var prefetch = sidecar is null ? null : PrefetchReportAsync(sidecar);
        double? load = null, firstLine = null, compile = null;
        bool? hit = null;
        var ready = await ReadUntilReadyAsync(simulator, mark =>
        {
            load = mark.Kind == VllmStartupMarkKind.WeightsLoaded ? mark.Seconds : load;
            compile = mark.Kind == VllmStartupMarkKind.CompileFinished ? mark.Seconds : compile;
            firstLine ??= mark.Kind == VllmStartupMarkKind.ServerVersion ? clock.Elapsed.TotalSeconds : null;
            hit = mark.Kind switch { VllmStartupMarkKind.CompileCacheHit => true, VllmStartupMarkKind.GraphCompiled => false, _ => hit };
        }, clock).ConfigureAwait(false);
        if (hit != (loadCase == LoadCase.WholePrefetchCache))
        {
            throw new InvalidOperationException($"The {loadCase} start was a compile-cache {(hit == true ? "hit" : "miss")}.");
        }

        var (pSeconds, pMbps) = prefetch is null ? (default(double?), default(double?)) : await prefetch.ConfigureAwait(false);
        return new LoadRun(ready, load ?? double.NaN, pSeconds, pMbps, firstLine, compile);
    }

    /// <summary>Reads the simulator's lines with the start-up grammar until it serves; returns the clock then, and stops it.</summary>
    private static async Task<double> ReadUntilReadyAsync(Process simulator, Action<VllmStartupMark> onMark, Stopwatch? clock = null)
    {
        using var cts = new CancellationTokenSource(Deadline);
        try
        {
            while (await simulator.StandardOutput.ReadLineAsync(cts.Token).ConfigureAwait(false) is { } line)
            {
                if (VllmStartupLog.TryParse(line, out _, out var mark))
                {
                    onMark(mark);
                    if (mark.Kind == VllmStartupMarkKind.ApiServerStarting)
                    {
                        return clock?.Elapsed.TotalSeconds ?? 0;
                    }
                }
            }
        }
        finally
        {
            simulator.Kill(entireProcessTree: true);
            await simulator.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        throw new InvalidOperationException($"The simulator did not report ready: {await simulator.StandardError.ReadToEndAsync().ConfigureAwait(false)}");
    }

    private static Process Start(string dll, string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        // A wide virtual terminal keeps Spectre.Console from wrapping the report line.
        psi.Environment["COLUMNS"] = "300";
        return Process.Start(psi) ?? throw new InvalidOperationException($"Cannot start {dll}.");
    }

    private static async Task<(double Seconds, double MBps)> PrefetchReportAsync(Process prefetch)
    {
        using var cts = new CancellationTokenSource(Deadline);
        var stdout = await prefetch.StandardOutput.ReadToEndAsync(cts.Token).ConfigureAwait(false);
        await prefetch.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        var m = PrefetchLine().Match(stdout);
        if (prefetch.ExitCode != 0 || !m.Success)
        {
            throw new InvalidOperationException($"prefetch exited with {prefetch.ExitCode}: {stdout} {await prefetch.StandardError.ReadToEndAsync().ConfigureAwait(false)}");
        }

        return (double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"bytes in ([0-9.]+) s \(([0-9.]+) MB/s\)")]
    private static partial Regex PrefetchLine();
}
