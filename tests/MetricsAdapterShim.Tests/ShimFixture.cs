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
/// Real HTTP on loopback: fake vLLM pods serving <c>/metrics</c>, a fake AppHost dashboard listing them as
/// <c>GET /api/resources</c> does (bearer token required), and the shim in between.
/// </summary>
internal sealed class ShimFixture : IAsyncDisposable
{
    public const string ShimToken = "shim-token-0123";
    public const string DashboardToken = "dashboard-token-4567";
    public static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly List<WebApplication> _apps = [];

    /// <summary>Gets the metrics text each fake pod serves; a pod absent here answers 503 (loading).</summary>
    public ConcurrentDictionary<string, string> PodMetrics { get; } = new();

    /// <summary>Gets the replicas the fake dashboard lists, by resource: name, state.</summary>
    public ConcurrentDictionary<string, (string Resource, string State)> Replicas { get; } = new();

    public Dictionary<string, string> PodUrls { get; } = [];

    public FakeTimeProvider Time { get; } = new(Now);

    public HttpClient Client { get; } = new();

    public Uri ShimUrl { get; private set; } = null!;

    public int DashboardCalls;

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
            fixture.Replicas[pod] = ("vllm", "Running");
        }

        var dashboard = NewApp();
        dashboard.MapGet("/api/resources", (HttpContext c) =>
        {
            Interlocked.Increment(ref fixture.DashboardCalls);
            if (c.Request.Headers.Authorization.ToString() != $"Bearer {DashboardToken}")
            {
                return Results.Unauthorized();
            }

            var resources = fixture.Replicas.GroupBy(r => r.Value.Resource).Select(g => new
            {
                name = g.Key,
                type = "Vllm",
                state = "Running",
                health = "Healthy",
                endpoints = Array.Empty<object>(),
                replicas = g.Count(),
                instances = g.Select(r => new { name = r.Key, state = r.Value.State, health = "Healthy", pid = 1, url = fixture.PodUrls.GetValueOrDefault(r.Key), exitCode = (int?)null }),
            });
            return Results.Json(resources, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        });
        await dashboard.StartAsync();
        fixture._apps.Add(dashboard);

        var config = new Dictionary<string, string>
        {
            ["MetricsAdapter:Token"] = ShimToken,
            ["MetricsAdapter:AppHost:Url"] = dashboard.Urls.Single(),
            ["MetricsAdapter:AppHost:Token"] = DashboardToken,
            ["MetricsAdapter:AppHost:Resources:0"] = "vllm",
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
    }

    private static WebApplication NewApp()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        return builder.Build();
    }
}
