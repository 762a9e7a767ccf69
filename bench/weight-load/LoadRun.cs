using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using VllmAspire.Hosting.ServiceProjects;

namespace VllmAspire.Bench.WeightLoad;

/// <summary>One measured run on a freshly mounted (cold) disk.</summary>
/// <param name="ReadySeconds">Time to ready: the simulator's own "init engine ... took" (from its start to ready, as the seed's timer wraps <c>LLM()</c> and not the imports), or the prefetch time alone.</param>
/// <param name="WeightLoadSeconds">The simulator's "Loading weights took", or the prefetch time.</param>
/// <param name="PrefetchSeconds">The prefetcher's own time, when it ran.</param>
/// <param name="PrefetchMBps">The prefetcher's MB/s, when it ran.</param>
public sealed partial record LoadRun(double ReadySeconds, double WeightLoadSeconds, double? PrefetchSeconds, double? PrefetchMBps)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);

    /// <summary>Runs one case against a mounted model.</summary>
    /// <param name="modelPath">The model folder on the mount.</param>
    /// <param name="profile">The disk profile (for the engine start).</param>
    /// <param name="loadCase">The case.</param>
    /// <param name="prefetchArgs">Extra prefetch arguments (concurrency, block size).</param>
    /// <returns>The measurement.</returns>
    public static async Task<LoadRun> MeasureAsync(string modelPath, DiskProfile profile, LoadCase loadCase, string[] prefetchArgs)
    {
        if (loadCase == LoadCase.PrefetchAlone)
        {
            using var alone = Start(ProvisionerProject.TargetPath, ["prefetch", modelPath, .. prefetchArgs]);
            var (seconds, mbps) = await PrefetchReportAsync(alone).ConfigureAwait(false);
            return new LoadRun(seconds, seconds, seconds, mbps);
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
        using var cts = new CancellationTokenSource(Deadline);
        try
        {
            while (ready is null && await simulator.StandardOutput.ReadLineAsync(cts.Token).ConfigureAwait(false) is { } line)
            {
                if (LoadingWeights().Match(line) is { Success: true } l)
                {
                    load = double.Parse(l.Groups[1].Value, CultureInfo.InvariantCulture);
                }
                else if (InitEngine().Match(line) is { Success: true } r)
                {
                    ready = double.Parse(r.Groups[1].Value, CultureInfo.InvariantCulture);
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

    [GeneratedRegex(@"Loading weights took ([0-9.]+) seconds")]
    private static partial Regex LoadingWeights();

    [GeneratedRegex(@"init engine .* took ([0-9.]+) seconds")]
    private static partial Regex InitEngine();

    [GeneratedRegex(@"bytes in ([0-9.]+) s \(([0-9.]+) MB/s\)")]
    private static partial Regex PrefetchLine();
}
