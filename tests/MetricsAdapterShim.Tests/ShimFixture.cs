using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace VllmAspire.MetricsAdapterShim.Tests;

/// <summary>
/// Real HTTP on loopback: fake vLLM pods serving <c>/metrics</c>, listed in Prometheus file_sd files as the AppHost
/// keeps them (one file per resource, one target group per running replica), and the shim in between.
/// </summary>
internal sealed class ShimFixture : IAsyncDisposable
{
    public const string ShimToken = "shim-token-0123";
    public static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly List<WebApplication> _apps = [];

    /// <summary>Gets the metrics text each fake pod serves; a pod absent here answers 503 (loading).</summary>
    public ConcurrentDictionary<string, string> PodMetrics { get; } = new();

    /// <summary>Gets the running replicas the targets files list: name, resource.</summary>
    public ConcurrentDictionary<string, string> Replicas { get; } = new();

    /// <summary>Gets the folder of the targets files.</summary>
    public string TargetsDirectory { get; } = Directory.CreateTempSubdirectory("shim-targets-").FullName;

    public Dictionary<string, string> PodUrls { get; } = [];

    public FakeTimeProvider Time { get; } = new(Now);

    public HttpClient Client { get; } = new();

    public Uri ShimUrl { get; private set; } = null!;

    /// <summary>Gets or sets a gate every pod's <c>/metrics</c> waits on before answering (a slow refresh); null answers at once.</summary>
    public TaskCompletionSource? ScrapeGate { get; set; }

    public int Scrapes;

    public static async Task<ShimFixture> StartAsync(string[] pods, Dictionary<string, string>? settings = null)
    {
        var fixture = new ShimFixture();
        foreach (var pod in pods)
        {
            var app = NewApp();
            app.MapGet("/metrics", async (HttpContext c) =>
            {
                Interlocked.Increment(ref fixture.Scrapes);
                if (fixture.ScrapeGate is { } gate)
                {
                    await gate.Task;
                }

                return fixture.PodMetrics.TryGetValue(pod, out var text)
                    ? Results.Text(text, "text/plain; version=0.0.4")
                    : Results.StatusCode(503);
            });
            await app.StartAsync();
            fixture._apps.Add(app);
            fixture.PodUrls[pod] = app.Urls.Single();
            fixture.Replicas[pod] = "vllm";
        }

        fixture.WriteTargets();
        var config = new Dictionary<string, string>
        {
            ["MetricsAdapter:Token"] = ShimToken,
            ["MetricsAdapter:PodSource"] = "file",
            ["MetricsAdapter:TargetFiles:0"] = fixture.TargetsFile("vllm"),
            ["MetricsAdapter:TargetFiles:1"] = fixture.TargetsFile("other"),
            ["MetricsAdapter:ScrapeCache"] = "00:00:00",
            ["MetricsAdapter:KeepFresh"] = "00:00:00",
        };
        foreach (var (k, v) in settings ?? [])
        {
            config[k] = v;
        }

        var shim = ShimApp.Build([], b =>
        {
            b.WebHost.UseUrls("http://127.0.0.1:0");
            b.Logging.ClearProviders();
            b.Configuration.AddInMemoryCollection(config!);
            b.Services.AddSingleton<TimeProvider>(fixture.Time);
        });
        await shim.StartAsync();
        fixture._apps.Add(shim);
        fixture.ShimUrl = new Uri(shim.Urls.Single());
        fixture.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ShimToken);
        return fixture;
    }

    /// <summary>Gets the targets file of a resource.</summary>
    public string TargetsFile(string resource) => Path.Combine(TargetsDirectory, $"{resource}.json");

    /// <summary>Lists a replica as running under a resource, or (<paramref name="resource"/> null) takes it off, as the AppHost does when it stops.</summary>
    public void SetReplica(string pod, string? resource)
    {
        if (resource is null)
        {
            Replicas.TryRemove(pod, out _);
        }
        else
        {
            Replicas[pod] = resource;
        }

        WriteTargets();
    }

    // The AppHost's format (Hosting/Replicas/ReplicaTargets.cs): [{"targets":["host:port"],"labels":{"pod","namespace","resource"}}].
    private void WriteTargets()
    {
        foreach (var resource in new[] { "vllm", "other" })
        {
            var groups = Replicas.Where(r => r.Value == resource).OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new
            {
                targets = new[] { new Uri(PodUrls[r.Key]).Authority },
                labels = new Dictionary<string, string> { ["pod"] = r.Key, ["namespace"] = "default", ["resource"] = resource },
            });
            File.WriteAllText(TargetsFile(resource), JsonSerializer.Serialize(groups));
        }
    }

    public static string VllmMetrics(double waiting, double running = 0, string model = "m", string engine = "0") =>
        $$"""
        # HELP vllm:num_requests_waiting Number of requests waiting to be processed.
        # TYPE vllm:num_requests_waiting gauge
        vllm:num_requests_waiting{engine="{{engine}}",model_name="{{model}}"} {{waiting.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}}
        # HELP vllm:num_requests_running Number of requests in model execution batches.
        # TYPE vllm:num_requests_running gauge
        vllm:num_requests_running{engine="{{engine}}",model_name="{{model}}"} {{running.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}}

        """;

    public async Task<(int Status, string Body)> GetAsync(string pathAndQuery)
    {
        using var response = await Client.GetAsync(new Uri(ShimUrl, pathAndQuery));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Waits (10 s at most) until the pods have been scraped <paramref name="count"/> times, then asserts exactly that.</summary>
    public async Task WaitForScrapesAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Volatile.Read(ref Scrapes) < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(count, Scrapes);
    }

    /// <summary>Asks again (10 s at most) until the body contains <paramref name="expected"/>; returns the last body.</summary>
    public async Task<string> GetUntilAsync(string pathAndQuery, string expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        string body;
        do
        {
            body = (await GetAsync(pathAndQuery)).Body;
        }
        while (!body.Contains(expected, StringComparison.Ordinal) && DateTime.UtcNow < deadline);
        return body;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        Directory.Delete(TargetsDirectory, recursive: true);
    }

    private static WebApplication NewApp()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        return builder.Build();
    }
}
