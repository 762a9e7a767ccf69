using System.Net;
using System.Net.Sockets;

namespace VllmSimulator.Tests;

public sealed class StartupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

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
        var port = FreePort();
        await using var sim = SimulatorProcess.Start("--model", model.Directory, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--engine-start-seconds", "1");

        // The first line appears while the engine is still "starting": the port must refuse then.
        Assert.True(await SimulatorProcess.PollAsync(() => Task.FromResult(sim.Stdout.Contains("vLLM API server version 0.10.1")), TimeSpan.FromSeconds(20)), sim.ToString());
        var refusedDuringStart = !await AnswersAsync(port);

        Assert.True(await SimulatorProcess.PollAsync(() => AnswersAsync(port), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(5)), sim.ToString());
        var atFirstAnswer = sim.StdoutLines;
        Assert.True(refusedDuringStart, "the port answered before the weights were loaded");
        // 0.10.1's shape: the process prefix, then vLLM's stamp and [file.py:line] (vllm PR #20707's transcript).
        Assert.Matches(@"^\(APIServer pid=\d+\) INFO \d\d-\d\d \d\d:\d\d:\d\d \[api_server\.py:\d+\] vLLM API server version 0\.10\.1$", atFirstAnswer[0]);
        var loading = atFirstAnswer.Single(l => l.Contains("Loading weights took", StringComparison.Ordinal));
        Assert.Matches(@"^\(EngineCore_0 pid=\d+\) INFO \d\d-\d\d \d\d:\d\d:\d\d \[[a-z_]+\.py:\d+\] Loading weights took \d+\.\d\d seconds$", loading);
        Assert.Single(atFirstAnswer, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"Model loading took 0\.\d{4} GiB and \d+\.\d{6} seconds$"));
        Assert.True(Array.FindIndex([.. atFirstAnswer], l => l.Contains("vLLM API server version")) < Array.FindIndex([.. atFirstAnswer], l => l.Contains("Loading weights took")));

        await sim.WaitForUrlAsync();
        Assert.True(await SimulatorProcess.PollAsync(() => Task.FromResult(sim.Stdout.Contains("Application startup complete.")), TimeSpan.FromSeconds(10)));
        var lines = sim.StdoutLines.ToList();
        Assert.Contains($"Starting vLLM API server 0 on http://127.0.0.1:{port}", lines.Single(l => l.Contains("Starting vLLM API server")));
        Assert.True(lines.FindIndex(l => l.Contains("Model loading took")) < lines.FindIndex(l => l.Contains("Starting vLLM API server")));
        Assert.True(lines.FindIndex(l => l.Contains("Starting vLLM API server")) < lines.FindIndex(l => l.Contains("Application startup complete.")));
        _ = Ct;
    }
}
