using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net;
using System.Text.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using VllmAspire.Hosting.ServiceProjects;

namespace VllmAspire.Bench;

/// <summary>
/// MetricsAdapterShim under an HPA query over many pods: the real shim process scrapes N fake vLLM pods (one
/// in-process Kestrel server listening on N distinct loopback addresses, each serving a vLLM-sized exposition) and
/// answers <c>pods/*/vllm:num_requests_waiting</c>. Reports query latency percentiles and the shim's resident memory.
/// </summary>
internal static class ShimBenchmark
{
    public static Command Command()
    {
        var pods = new Option<int>("--pods") { DefaultValueFactory = _ => 500, Description = "Scraped pods." };
        var queries = new Option<int>("--queries") { DefaultValueFactory = _ => 200, Description = "Measured HPA queries per case." };
        var only = new Option<string?>("--case") { Description = "Runs one case only: 'defaults' or 'no-cache'." };
        var command = new Command("shim", "HPA query latency and memory of MetricsAdapterShim scraping many pods.") { pods, queries, only };
        command.SetAction(async (parse, ct) =>
        {
            var podCount = parse.GetValue(pods);
            if (podCount is < 1 or > 60000)
            {
                Console.Error.WriteLine($"--pods must be 1..60000, not {podCount}.");
                return 2;
            }

            await using var fakePods = await StartPodsAsync(podCount, ct);
            var port = new Uri(fakePods.Urls.First()).Port;
            Console.WriteLine($"| case | pods | queries | p50 | p99 | max | incomplete answers | shim RSS after | shim peak RSS |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
            foreach (var (id, name, cache, keepFresh, pause) in new[]
            {
                ("defaults", "defaults: queried pods re-scraped every 1 s in the background, a query every 100 ms", "00:00:02", "00:00:01", 100),
                ("no-cache", "no cache: every query scrapes every pod", "00:00:00", "00:00:00", 0),
            })
            {
                if (parse.GetValue(only) is { } wanted && wanted != id)
                {
                    continue;
                }

                var row = await RunCaseAsync(podCount, port, cache, keepFresh, pause, parse.GetValue(queries), ct);
                Console.WriteLine($"| {name} | {podCount} | {parse.GetValue(queries)} | {row.P50:F1} ms | {row.P99:F1} ms | {row.Max:F1} ms | {row.Incomplete} | {row.RssMb:F0} MB | {row.PeakMb:F0} MB |");
            }

            return 0;
        });
        return command;
    }

    private static async Task<(double P50, double P99, double Max, int Incomplete, double RssMb, double PeakMb)> RunCaseAsync(int podCount, int podPort, string cache, string keepFresh, int pauseMs, int queryCount, CancellationToken ct)
    {
        var shimPort = FreePort();
        const string token = "bench-token";
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.ArgumentList.Add(MetricsAdapterShimProject.TargetPath);
        startInfo.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{shimPort}";
        startInfo.Environment["Logging__LogLevel__Default"] = "Warning";
        startInfo.Environment["MetricsAdapter__Token"] = token;
        startInfo.Environment["MetricsAdapter__PodSource"] = "static";
        startInfo.Environment["MetricsAdapter__ScrapeCache"] = cache;
        startInfo.Environment["MetricsAdapter__KeepFresh"] = keepFresh;
        for (var i = 0; i < podCount; i++)
        {
            startInfo.Environment[$"MetricsAdapter__Pods__{i}__Name"] = $"vllm-{i}";
            startInfo.Environment[$"MetricsAdapter__Pods__{i}__Labels__app"] = "vllm";
            startInfo.Environment[$"MetricsAdapter__Pods__{i}__MetricsUrl"] = $"http://{PodAddress(i)}:{podPort}/metrics";
        }

        using var shim = Process.Start(startInfo)!;
        _ = shim.StandardOutput.ReadToEndAsync(ct);
        _ = shim.StandardError.ReadToEndAsync(ct);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var baseUrl = new Uri($"http://127.0.0.1:{shimPort}");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (true)
            {
                try
                {
                    using var health = await http.GetAsync(new Uri(baseUrl, "/health"), ct);
                    if (health.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline)
                {
                }

                if (DateTime.UtcNow >= deadline || shim.HasExited)
                {
                    throw new InvalidOperationException("The shim did not become healthy within 60 s.");
                }

                await Task.Delay(100, ct);
            }

            var query = new Uri(baseUrl, "/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/%2A/vllm:num_requests_waiting?labelSelector=app%3Dvllm");
            var latencies = new List<double>();
            var incomplete = 0;
            for (var i = -5; i < queryCount; i++)
            {
                var clock = Stopwatch.StartNew();
                using var response = await http.GetAsync(query, ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                var elapsed = clock.Elapsed.TotalMilliseconds;
                // A pod whose scrape times out (the machine overloaded) is missing from the answer, as it would be for
                // the HPA: counted, not fatal; the latency still counts.
                using var document = JsonDocument.Parse(response.IsSuccessStatusCode ? body : """{"items":[]}""");
                var items = document.RootElement.GetProperty("items").GetArrayLength();
                if (items != podCount && i >= 0)
                {
                    incomplete++;
                }

                if (i >= 0)
                {
                    latencies.Add(elapsed);
                }

                await Task.Delay(pauseMs, ct);
            }

            var (rss, peak) = Memory(shim.Id);
            return (Stats.Percentile(latencies, 50), Stats.Percentile(latencies, 99), latencies.Max(), incomplete, rss, peak);
        }
        finally
        {
            shim.Kill(entireProcessTree: true);
            await shim.WaitForExitAsync(CancellationToken.None);
        }
    }

    private static async Task<WebApplication> StartPodsAsync(int count, CancellationToken ct)
    {
        var port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            // Every pod is a distinct loopback address (all of 127.0.0.0/8 is loopback on Linux), as pods are distinct IPs.
            for (var i = 0; i < count; i++)
            {
                k.Listen(IPAddress.Parse(PodAddress(i)), port);
            }
        });
        var app = builder.Build();
        app.MapGet("/metrics", (HttpContext c) =>
        {
            var address = c.Connection.LocalIpAddress!.GetAddressBytes();
            var waiting = (address[2] * 250 + address[3]) % 7;
            return Results.Text(Exposition(waiting), "text/plain; version=0.0.4");
        });
        await app.StartAsync(ct);
        return app;
    }

    private static string PodAddress(int i) => $"127.{1 + i / 62500}.{1 + i / 250 % 250}.{1 + i % 250}";

    /// <summary>A vLLM V1-sized exposition: gauges, counters and the latency and token histograms for two engines.</summary>
    private static string Exposition(int waiting)
    {
        var text = new StringBuilder();
        foreach (var engine in new[] { "0", "1" })
        {
            var labels = $"engine=\"{engine}\",model_name=\"gemma-7b\"";
            text.Append(CultureInfo.InvariantCulture, $"# HELP vllm:num_requests_waiting Number of requests waiting to be processed.\n# TYPE vllm:num_requests_waiting gauge\nvllm:num_requests_waiting{{{labels}}} {waiting}.0\n");
            text.Append(CultureInfo.InvariantCulture, $"vllm:num_requests_running{{{labels}}} 8.0\nvllm:kv_cache_usage_perc{{{labels}}} 0.42\n");
            foreach (var counter in new[] { "prompt_tokens_total", "generation_tokens_total", "num_preemptions_total" })
            {
                text.Append(CultureInfo.InvariantCulture, $"# TYPE vllm:{counter} counter\nvllm:{counter}{{{labels}}} 123456.0\n");
            }

            foreach (var histogram in new[] { "time_to_first_token_seconds", "inter_token_latency_seconds", "e2e_request_latency_seconds", "request_queue_time_seconds", "request_prompt_tokens", "request_generation_tokens" })
            {
                text.Append(CultureInfo.InvariantCulture, $"# TYPE vllm:{histogram} histogram\n");
                foreach (var le in new[] { "0.001", "0.005", "0.01", "0.02", "0.04", "0.06", "0.08", "0.1", "0.25", "0.5", "0.75", "1.0", "2.5", "5.0", "7.5", "10.0", "20.0", "40.0", "80.0", "+Inf" })
                {
                    text.Append(CultureInfo.InvariantCulture, $"vllm:{histogram}_bucket{{{labels},le=\"{le}\"}} 1234.0\n");
                }

                text.Append(CultureInfo.InvariantCulture, $"vllm:{histogram}_sum{{{labels}}} 5678.9\nvllm:{histogram}_count{{{labels}}} 1234.0\n");
            }
        }

        return text.ToString();
    }

    private static (double RssMb, double PeakMb) Memory(int pid)
    {
        double Read(string key) => File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith(key, StringComparison.Ordinal))
            .Select(l => double.Parse(l[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024).FirstOrDefault();
        return (Read("VmRSS:"), Read("VmHWM:"));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
