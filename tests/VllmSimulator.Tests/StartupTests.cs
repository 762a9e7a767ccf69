using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace VllmSimulator.Tests;

public sealed class StartupTests
{
    private static async Task<bool> AnswersAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Load_log_lines_come_before_the_port_answers()
    {
        var model = await TestModels.SampleAsync();
        // Port 0: the simulator binds a port nothing else holds and names it in its "Starting vLLM API server" line.
        await using var sim = SimulatorProcess.Start("--model", model.Directory, "--port", "0", "--engine-start-seconds", "3");

        // The first line comes while the engine is still "starting" (3 s, then the weights): nothing listens then.
        Assert.True(await SimulatorProcess.PollAsync(() => Task.FromResult(sim.Stdout.Contains("vLLM API server version 0.10.1")), TimeSpan.FromSeconds(20)), sim.ToString());
        Assert.True(sim.ListeningTcpPorts().Count == 0, $"the simulator listened on {string.Join(", ", sim.ListeningTcpPorts())} before the weights were loaded");

        // Then it listens, on the one port its line names, and answers there.
        var url = await sim.WaitForUrlAsync(TimeSpan.FromSeconds(60));
        Assert.Equal([url.Port], sim.ListeningTcpPorts());
        Assert.True(await AnswersAsync(url.Port), sim.ToString());
        Assert.True(await SimulatorProcess.PollAsync(() => Task.FromResult(sim.Stdout.Contains("Application startup complete.")), TimeSpan.FromSeconds(30)), sim.ToString());

        var lines = sim.StdoutLines.ToList();
        // 0.10.1's shape: the process prefix, then vLLM's stamp and [file.py:line] (vllm PR #20707's transcript).
        Assert.Matches(@"^\(APIServer pid=\d+\) INFO \d\d-\d\d \d\d:\d\d:\d\d \[api_server\.py:\d+\] vLLM API server version 0\.10\.1$", lines[0]);
        Assert.Matches(@"^\(EngineCore_0 pid=\d+\) INFO \d\d-\d\d \d\d:\d\d:\d\d \[[a-z_]+\.py:\d+\] Loading weights took \d+\.\d\d seconds$", lines.Single(l => l.Contains("Loading weights took", StringComparison.Ordinal)));
        Assert.Single(lines, l => Regex.IsMatch(l, @"Model loading took 0\.\d{4} GiB and \d+\.\d{6} seconds$"));
        Assert.Contains($"Starting vLLM API server 0 on http://127.0.0.1:{url.Port}", lines.Single(l => l.Contains("Starting vLLM API server", StringComparison.Ordinal)), StringComparison.Ordinal);

        // The load's lines come before the line that can only follow the bind (it names the bound port), then the ready line.
        string[] order = ["vLLM API server version", "Loading weights took", "Model loading took", "Starting vLLM API server", "Application startup complete."];
        var at = order.Select(text => lines.FindIndex(l => l.Contains(text, StringComparison.Ordinal))).ToList();
        Assert.True(at.SequenceEqual(at.Order()) && at.Distinct().Count() == at.Count, $"{string.Join(", ", at)}\n{sim}");
    }
}
