using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net;
using VllmAspire.Hosting.ServiceProjects;
using VllmAspire.Hosting.Weights;

namespace VllmAspire.Bench;

/// <summary>
/// The simulator's request throughput: a real VllmSimulator process on the sample model, driven by concurrent
/// OpenAI completion requests over loopback for a fixed time. With zero simulated latency it measures the server's
/// own overhead (HTTP, scheduler, metrics); with vLLM-like latencies it shows the queueing model at work.
/// </summary>
internal static class SimulatorThroughputBenchmark
{
    public static Command Command()
    {
        var concurrency = new Option<int>("--concurrency") { DefaultValueFactory = _ => 32, Description = "Concurrent clients." };
        var seconds = new Option<int>("--seconds") { DefaultValueFactory = _ => 10, Description = "Measured time per case." };
        var command = new Command("simulator-throughput", "Requests per second of VllmSimulator over loopback.") { concurrency, seconds };
        command.SetAction(async (parse, ct) =>
        {
            var modelDirectory = Path.Combine(Path.GetTempPath(), "vllm-aspire-bench-model");
            await SampleModel.EnsureAsync(modelDirectory, SampleModel.DefaultTotalBytes, 2, ct);
            Console.WriteLine("| case | max-num-seqs | ttft / tpot | clients | max_tokens | requests/s | tokens/s | p50 latency | p99 latency |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
            foreach (var (name, maxNumSeqs, ttft, tpot, maxTokens) in new[]
            {
                ("server overhead", 256, 0, 0, 16),
                ("vLLM-like latency", 256, 50, 10, 16),
                ("queueing (max-num-seqs 8)", 8, 50, 10, 16),
            })
            {
                var row = await RunCaseAsync(modelDirectory, maxNumSeqs, ttft, tpot, maxTokens, parse.GetValue(concurrency), TimeSpan.FromSeconds(parse.GetValue(seconds)), ct);
                Console.WriteLine($"| {name} | {maxNumSeqs} | {ttft} / {tpot} ms | {parse.GetValue(concurrency)} | {maxTokens} | {row.RequestsPerSecond:F0} | {row.TokensPerSecond:F0} | {row.P50 * 1000:F1} ms | {row.P99 * 1000:F1} ms |");
            }

            return 0;
        });
        return command;
    }

    private static async Task<(double RequestsPerSecond, double TokensPerSecond, double P50, double P99)> RunCaseAsync(
        string modelDirectory, int maxNumSeqs, int ttft, int tpot, int maxTokens, int clients, TimeSpan duration, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            VllmSimulatorProject.TargetPath, "--model", modelDirectory, "--served-model-name", "bench", "--port", port.ToString(CultureInfo.InvariantCulture),
            "--max-num-seqs", maxNumSeqs.ToString(CultureInfo.InvariantCulture), "--ttft-ms", ttft.ToString(CultureInfo.InvariantCulture), "--tpot-ms", tpot.ToString(CultureInfo.InvariantCulture),
            // Throughput, not start-up: the simulated start-up phases play instantly.
            "--startup-time-scale", "0",
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["Logging__LogLevel__Default"] = "Warning";
        using var simulator = Process.Start(startInfo)!;
        simulator.OutputDataReceived += (_, _) => { };
        simulator.ErrorDataReceived += (_, _) => { };
        simulator.BeginOutputReadLine();
        simulator.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitUntilHealthyAsync(http, cancellationToken);

            var latencies = new List<double>();
            long tokens = 0;
            var stopwatch = Stopwatch.StartNew();
            var workers = Enumerable.Range(0, clients).Select(async _ =>
            {
                var mine = new List<double>();
                while (stopwatch.Elapsed < duration)
                {
                    var started = stopwatch.Elapsed;
                    using var response = await http.PostAsJsonAsync("/v1/completions", new { model = "bench", prompt = "Benchmark the simulator", max_tokens = maxTokens }, cancellationToken);
                    response.EnsureSuccessStatusCode();
                    var body = await response.Content.ReadFromJsonAsync<CompletionUsage>(cancellationToken);
                    Interlocked.Add(ref tokens, body?.Usage.CompletionTokens ?? 0);
                    mine.Add((stopwatch.Elapsed - started).TotalSeconds);
                }

                lock (latencies)
                {
                    latencies.AddRange(mine);
                }
            }).ToList();
            await Task.WhenAll(workers);
            var elapsed = stopwatch.Elapsed.TotalSeconds;
            return (latencies.Count / elapsed, tokens / elapsed, Stats.Percentile(latencies, 50), Stats.Percentile(latencies, 99));
        }
        finally
        {
            simulator.Kill(entireProcessTree: true);
            await simulator.WaitForExitAsync(cancellationToken);
        }
    }

    private static async Task WaitUntilHealthyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync("/health", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Still loading weights: vLLM does not listen until then.
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException("The simulator did not become healthy within a minute.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record CompletionUsage(UsageBody Usage);

    private sealed record UsageBody([property: System.Text.Json.Serialization.JsonPropertyName("completion_tokens")] int CompletionTokens);
}
