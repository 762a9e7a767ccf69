using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VllmAspire.Hosting.ApplicationModel;
using static Microsoft.Playwright.Assertions;

namespace VllmAspire.Hosting.Dashboard.Tests;

/// <summary>The autoscaling and start-up pages against the real simulator, the real metrics adapter and the real local HPA.</summary>
public partial class AutoscalingAndStartupTests
{
    private const string HostileMetric = "<img src=x onerror=alert(1)>";

    [Fact]
    public async Task TheAutoscalersRealDecisionsAppearLiveWithTheirInputsAndEscapedReasons()
    {
        await using var d = await DashboardApp.StartAsync(builder =>
        {
            builder.Configuration["Autoscaling:SyncPeriod"] = "00:00:01";
            var weights = builder.AddModelWeights("tiny-model");
            // One replica below minReplicas 2: the first real decision scales vLLM up, the next ones read both pods.
            builder.AddVllm("vllm").WithModel(weights).WithReplicas(1).WithAutoscaling(minReplicas: 2, maxReplicas: 2, averageValue: 5);
            // The adapter refuses this metric name; the controller's reason quotes it, so the page must show it as text.
            builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "api"))
                .WithAutoscaling(minReplicas: 1, maxReplicas: 2, metric: HostileMetric, averageValue: 1);
            builder.AddMetricsAdapter("metrics-adapter");
        });
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;
        await page.GotoAsync(d.Server.LoginUrl!.ToString());
        await page.GotoAsync(new Uri(d.Url, "/autoscaling").ToString());
        var vllm = page.Locator("section[data-hpa='vllm']");
        await Expect(vllm.Locator("h2")).ToHaveTextAsync("vllm");

        // The scale-up the controller decided, and then decisions over both pods, each arriving while the page is open.
        var scaleUp = vllm.Locator("tr[data-decision]", new() { Has = page.Locator("td.replicas", new() { HasTextString = "1 → 2" }) });
        await Expect(scaleUp.First).ToBeVisibleAsync(new() { Timeout = 90_000 });
        await Expect(scaleUp.First.Locator(".reason")).ToHaveTextAsync("Current number of replicas below Spec.MinReplicas");
        await d.WaitForAsync("vllm", s => s.Replicas.Length == 2);
        var withBoth = vllm.Locator("tr[data-decision]", new() { Has = page.Locator("li[data-pod='vllm-1']") });
        await Expect(withBoth.First).ToBeVisibleAsync(new() { Timeout = 90_000 });
        await Expect(withBoth.First.Locator("li[data-pod='vllm-0']")).ToHaveTextAsync("vllm-0: 0");
        await Expect(withBoth.First.Locator("li[data-pod='vllm-1']")).ToHaveTextAsync("vllm-1: 0");
        await Expect(withBoth.First.Locator(".replicas")).ToHaveTextAsync("2 → 2");
        await Expect(withBoth.First.Locator(".proposal")).ToHaveTextAsync("0");
        await Expect(withBoth.First.Locator(".limit")).ToHaveTextAsync("TooFewReplicas");

        var count = int.Parse(Regex.Match(await vllm.Locator(".decision-count").TextContentAsync() ?? "", @"\d+").Value, CultureInfo.InvariantCulture);
        await Expect(vllm.Locator($"tr[data-decision='{count + 2}']")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        // Replicas, the metric and its target, drawn by Plotly from the decisions.
        await Expect(page.Locator("#chart-autoscaling-vllm .scatterlayer .trace")).ToHaveCountAsync(3);
        var replicas = await page.EvaluateAsync<double[]>("() => document.getElementById('chart-autoscaling-vllm').data[0].y");
        Assert.Equal(1, replicas[0]);
        Assert.Equal(2, replicas[^1]);

        var api = page.Locator("section[data-hpa='api']");
        await Expect(api.Locator(".reason").First).ToContainTextAsync("FailedComputeMetricsReplicas");
        await Expect(api.Locator(".reason").First).ToContainTextAsync(HostileMetric);
        await Expect(api.Locator("img")).ToHaveCountAsync(0);
        Assert.Empty(browser.Dialogs);
        await browser.ScreenshotAsync("autoscaling");

        // The API returns the same decisions, with the token only.
        using var refused = await d.Http.SendAsync(d.Request(HttpMethod.Get, "/api/autoscaling", token: false));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var response = await d.Http.SendAsync(d.Request(HttpMethod.Get, "/api/autoscaling"));
        var hpas = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToDictionary(h => h.GetProperty("resource").GetString()!);
        Assert.Equal(["api", "vllm"], hpas.Keys.Order(StringComparer.Ordinal));
        var vllmHpa = hpas["vllm"];
        Assert.Equal(2, vllmHpa.GetProperty("minReplicas").GetInt32());
        Assert.Equal("vllm:num_requests_waiting", vllmHpa.GetProperty("metric").GetString());
        var decisions = vllmHpa.GetProperty("decisions").EnumerateArray().ToList();
        Assert.Equal(1, decisions.Count(x => x.GetProperty("currentReplicas").GetInt32() == 1 && x.GetProperty("desiredReplicas").GetInt32() == 2));
        var last = decisions[^1].GetProperty("metrics")[0];
        Assert.Equal(5, last.GetProperty("target").GetDouble());
        Assert.Equal(0, last.GetProperty("podValues").GetProperty("vllm-1").GetDouble());
        var times = decisions.Select(x => x.GetProperty("time").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times);
        Assert.Contains(HostileMetric, hpas["api"].GetProperty("decisions")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task EachVllmStartShowsItsPhasesFromTheSimulatorsLogAndARestartAppearsLive()
    {
        await using var d = await DashboardApp.StartAsync(builder =>
        {
            var weights = builder.AddModelWeights("tiny-model");
            builder.AddVllm("vllm").WithModel(weights);
        });
        var first = await d.WaitForAsync("vllm", s => s.HealthStatus == ResourceHealthStatus.Healthy);
        var firstPid = first.Snapshot.Replicas.Single().ProcessId!.Value;

        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;
        await page.GotoAsync(d.Server.LoginUrl!.ToString());
        await page.GotoAsync(new Uri(d.Url, "/startup").ToString());
        var row = page.Locator($"tr[data-pid='{firstPid}']");
        await Expect(row.Locator("td").First).ToHaveTextAsync("vllm-0");
        await Expect(row.Locator(".ready")).ToHaveTextAsync(SecondsPattern());

        // The weight load and size the simulator itself logged, as vLLM does.
        var log = string.Join('\n', d.App.ResourceLogs.GetLines("vllm").Select(l => l.Text));
        var seconds = double.Parse(Regex.Match(log, @"Loading weights took (\d+\.\d+) seconds").Groups[1].Value, CultureInfo.InvariantCulture);
        var gib = double.Parse(Regex.Match(log, @"Model loading took (\d+\.\d+) GiB").Groups[1].Value, CultureInfo.InvariantCulture);
        await Expect(row.Locator(".weight-load")).ToHaveTextAsync(seconds.ToString("0.00", CultureInfo.InvariantCulture) + " s");
        await Expect(row.Locator(".weights")).ToHaveTextAsync(gib.ToString("0.####", CultureInfo.InvariantCulture) + " GiB");
        await Expect(row.Locator(".engine")).ToHaveTextAsync(SecondsPattern());
        await Expect(row.Locator(".timeline .bar.phase-weights")).ToHaveCountAsync(1);

        // A restart is a new start of the replica: it appears while the page is open; the old one is marked replaced.
        using (var restart = d.Request(HttpMethod.Post, "/api/resources/vllm/restart"))
        using (var restarted = await d.Http.SendAsync(restart))
        {
            Assert.Equal(HttpStatusCode.OK, restarted.StatusCode);
        }

        var second = await d.WaitForAsync("vllm", s => s.HealthStatus == ResourceHealthStatus.Healthy && s.Replicas.Single().ProcessId is { } pid && pid != firstPid);
        var secondRow = page.Locator($"tr[data-pid='{second.Snapshot.Replicas.Single().ProcessId}']");
        await Expect(secondRow.Locator(".ready")).ToHaveTextAsync(SecondsPattern());
        await Expect(secondRow.Locator(".weight-load")).ToHaveTextAsync(SecondsPattern());
        await Expect(row.Locator("[data-state]")).ToHaveTextAsync("Replaced");
        await Expect(page.Locator("tr[data-startup]")).ToHaveCountAsync(2);
        await browser.ScreenshotAsync("startup");

        using var refused = await d.Http.SendAsync(d.Request(HttpMethod.Get, "/api/startup", token: false));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var response = await d.Http.SendAsync(d.Request(HttpMethod.Get, "/api/startup"));
        var startups = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();
        Assert.Equal(2, startups.Count);
        var old = startups.Single(s => s.GetProperty("processId").GetInt32() == firstPid);
        Assert.Equal(seconds, old.GetProperty("weightLoadSeconds").GetDouble());
        Assert.Equal(gib, old.GetProperty("weightGiB").GetDouble());
        Assert.Equal("Replaced", old.GetProperty("state").GetString());
        var started = old.GetProperty("processStartedAt").GetDateTimeOffset();
        var loaded = old.GetProperty("weightsLoadedAt").GetDateTimeOffset();
        var ready = old.GetProperty("readyAt").GetDateTimeOffset();
        Assert.True(started <= loaded && loaded <= ready, $"phases out of order: started {started:O}, loaded {loaded:O}, ready {ready:O}");
        Assert.Equal((ready - started).TotalSeconds, old.GetProperty("readySeconds").GetDouble(), 3);
    }

    [Fact]
    public async Task TheAdapterReadsTheQueueThroughPrometheusWithThisRunsCredentials()
    {
        Assert.True(File.Exists("/usr/bin/prometheus"), "Debian's prometheus is missing; test.sh installs it (apt-get install -y prometheus).");
        await using var d = await DashboardApp.StartAsync(builder =>
        {
            builder.Configuration["Autoscaling:SyncPeriod"] = "00:00:01";
            var weights = builder.AddModelWeights("tiny-model");
            var vllm = builder.AddVllm("vllm").WithModel(weights).WithAutoscaling(minReplicas: 1, maxReplicas: 1);
            var prometheus = builder.AddPrometheus("prometheus");
            builder.AddMetricsAdapter("metrics-adapter").WithReference(prometheus).WithReference(vllm)
                .WithEnvironment("MetricsAdapter__MetricSource", "prometheus");
        });

        // The decision's per-pod value came from Prometheus's HTTP API, which refuses anyone without the password.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        JsonElement? read = null;
        while (read is null && DateTime.UtcNow < deadline)
        {
            using var response = await d.Http.SendAsync(d.Request(HttpMethod.Get, "/api/autoscaling"));
            read = (await response.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("decisions").EnumerateArray()
                .Select(x => x.GetProperty("metrics")[0]).Where(m => m.GetProperty("podValues").TryGetProperty("vllm-0", out _)).Cast<JsonElement?>().FirstOrDefault();
            await Task.Delay(500);
        }

        var lines = string.Join('\n', d.App.ResourceLogs.GetLines("metrics-adapter").Select(l => l.Text));
        Assert.True(read is not null, "no decision read vllm-0's queue through Prometheus; adapter log:\n" + lines);
        Assert.Equal(0, read.Value.GetProperty("podValues").GetProperty("vllm-0").GetDouble());
        using var resources = await d.Http.SendAsync(d.Request(HttpMethod.Get, "/api/resources"));
        var password = d.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<PrometheusResource>().Single().Password!.Value;
        Assert.DoesNotContain(password, await resources.Content.ReadAsStringAsync());
    }

    [GeneratedRegex(@"^\d+\.\d\d s$")]
    private static partial Regex SecondsPattern();
}
