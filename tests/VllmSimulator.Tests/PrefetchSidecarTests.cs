using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace VllmSimulator.Tests;

/// <summary>
/// Issue 7 locally: with <c>--prefetcher</c> the simulator starts the Provisioner's real <c>prefetch MODEL --keep-running</c>
/// beside its engine, as the published pod's native sidecar, logs its output and stops it when it stops.
/// </summary>
public sealed partial class PrefetchSidecarTests
{
    private static string ProvisionerDll { get; } = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(
        Path.GetDirectoryName(Path.GetDirectoryName(SimulatorProcess.DllPath)!)!)!)!)!, "Provisioner", "bin",
        Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(SimulatorProcess.DllPath)!)!), "net10.0", "VllmAspire.Provisioner.dll");

    [GeneratedRegex(@"\[prefetch-weights\] prefetch sidecar started \(pid (\d+)\)")]
    private static partial Regex StartedLine();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [Fact]
    public async Task The_prefetcher_reads_every_weight_byte_beside_the_engine_start_and_stops_with_the_simulator()
    {
        Assert.True(File.Exists(ProvisionerDll), $"Build the Provisioner first: {ProvisionerDll} is missing.");
        var model = await TestModels.SampleAsync();
        var weightBytes = Directory.EnumerateFiles(model.Directory, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        await using var sim = SimulatorProcess.Start("--model", model.Directory, "--port", "0", "--engine-start-seconds", "1", "--prefetcher", ProvisionerDll, "--prefetch-concurrency", "4");
        await sim.WaitForUrlAsync(TimeSpan.FromSeconds(60));

        // The sidecar starts before the engine start is over, so its reads overlap it (the loader's line comes after).
        var lines = sim.StdoutLines.ToList();
        var started = lines.FindIndex(l => StartedLine().IsMatch(l));
        Assert.True(started >= 0, sim.ToString());
        Assert.True(started < lines.FindIndex(l => l.Contains("Loading weights took", StringComparison.Ordinal)), sim.ToString());
        Assert.Matches(@"^\(APIServer pid=\d+\) INFO \d\d-\d\d \d\d:\d\d:\d\d \[prefetch-weights\] ", lines[started]);
        var pid = int.Parse(StartedLine().Match(lines[started]).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        // Its own report, forwarded into the simulator's log: every byte of the weights folder, read once.
        Assert.True(await SimulatorProcess.PollAsync(() => Task.FromResult(sim.Stdout.Contains("[prefetch-weights] prefetch: read ", StringComparison.Ordinal)), TimeSpan.FromSeconds(30)), sim.ToString());
        Assert.Contains($"[prefetch-weights] prefetch: read {Directory.EnumerateFiles(model.Directory, "*", SearchOption.AllDirectories).Count()} files, {weightBytes} bytes in ", sim.Stdout, StringComparison.Ordinal);
        Assert.Contains("(4 reads of", sim.Stdout, StringComparison.Ordinal);

        // --keep-running: it stays up while the simulator serves, and goes when the simulator stops (SIGTERM, as kubelet does).
        Assert.True(Directory.Exists($"/proc/{pid}"), "the sidecar exited while the simulator still runs");
        Assert.Equal(0, Kill(sim.ProcessId, 15));
        Assert.Equal(0, await sim.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(await SimulatorProcess.PollAsync(() => Task.FromResult(!Directory.Exists($"/proc/{pid}")), TimeSpan.FromSeconds(10)), $"prefetch sidecar {pid} outlived the simulator");
    }

    [Fact]
    public async Task A_prefetcher_that_cannot_start_fails_the_start_with_the_flag_named()
    {
        var model = await TestModels.SampleAsync();
        await using var sim = SimulatorProcess.Start("--model", model.Directory, "--port", "0", "--prefetcher", Path.Combine(TestModels.TempRoot, "no-such-prefetcher"));
        Assert.Equal(1, await sim.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Cannot start the prefetch sidecar", sim.Stderr, StringComparison.Ordinal);
        Assert.Contains("--prefetcher", sim.Stderr, StringComparison.Ordinal);
    }
}
