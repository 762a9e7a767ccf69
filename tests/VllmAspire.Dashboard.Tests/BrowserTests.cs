using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VllmAspire.Hosting.ApplicationModel;
using static Microsoft.Playwright.Assertions;

namespace VllmAspire.Hosting.Dashboard.Tests;

public class BrowserTests
{
    [Fact]
    public async Task WithoutTheTokenThePagesAreRefusedWithoutAHint()
    {
        await using var d = await DashboardApp.StartAsync();
        await using var browser = await Browser.LaunchAsync();

        var home = await browser.Page.GotoAsync(d.Url.ToString());
        Assert.Equal(401, home!.Status);
        await Expect(browser.Page.GetByRole(AriaRole.Heading, new() { Name = "Log in" })).ToBeVisibleAsync();
        await Expect(browser.Page.Locator("#resources")).ToHaveCountAsync(0);

        var wrong = await browser.Page.GotoAsync(new Uri(d.Url, "/login?t=" + new string('0', 32)).ToString());
        Assert.Equal(401, wrong!.Status);
        var content = await browser.Page.ContentAsync();
        Assert.DoesNotContain(d.Server.Token.Value, content);
        Assert.Empty(await browser.Context.CookiesAsync());

        var logs = await browser.Page.GotoAsync(new Uri(d.Url, "/consolelogs/resource/api").ToString());
        Assert.Equal(401, logs!.Status);
        await browser.ScreenshotAsync("refused-without-token");
    }

    [Fact]
    public async Task LogsInAndSeesEveryResourceWithItsStateAndMaskedSecrets()
    {
        await using var d = await DashboardApp.StartAsync();
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;

        await page.GotoAsync(d.Server.LoginUrl!.ToString());
        Assert.Equal(d.Url.GetLeftPart(UriPartial.Authority) + "/", page.Url);
        await Expect(Row(page, "api").Locator("[data-state]")).ToHaveTextAsync("Running");
        await Expect(Row(page, "api").Locator("[data-health]")).ToHaveTextAsync("Healthy");
        await Expect(Row(page, "ghost").Locator("[data-state]")).ToHaveTextAsync("FailedToStart");
        await Expect(Row(page, "ghost").Locator(".state-message")).ToContainTextAsync("vllm-aspire-no-such-command");
        await Expect(Row(page, "api-key").Locator("[data-state]")).ToHaveTextAsync("Active");
        await Expect(Row(page, "api").Locator("td").Nth(6)).ToHaveTextAsync("2");
        var endpoint = d.App.GetEndpoint("api").ToString().TrimEnd('/');
        await Expect(Row(page, "api").Locator($"a[href='{endpoint}']")).ToBeVisibleAsync();

        await Row(page, "api").GetByRole(AriaRole.Link, new() { Name = "api", Exact = true }).ClickAsync();
        var details = page.Locator("#details");
        await Expect(details.Locator("tr[data-replica]")).ToHaveCountAsync(2);
        await Expect(details.Locator(".env")).ToContainTextAsync("API_KEY");
        Assert.DoesNotContain("s3cr3t-value-never-shown", await page.ContentAsync());
        await browser.ScreenshotAsync("resources");

        var missing = await page.GotoAsync(new Uri(d.Url, "/no-such-page").ToString());
        Assert.Equal(404, missing!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not found" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task StopStartAndRestartFromThePageChangeTheStateLive()
    {
        await using var d = await DashboardApp.StartAsync();
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;
        await page.GotoAsync(d.Server.LoginUrl!.ToString());
        var state = Row(page, "api").Locator("[data-state]");
        await Expect(state).ToHaveTextAsync("Running");

        await Row(page, "api").GetByRole(AriaRole.Button, new() { Name = "Stop api", Exact = true }).ClickAsync();
        await Expect(state).ToHaveTextAsync("Exited");
        await d.WaitForAsync("api", s => s.State == KnownResourceStates.Exited);
        var start = Row(page, "api").GetByRole(AriaRole.Button, new() { Name = "Start api", Exact = true });
        await Expect(start).Not.ToHaveAttributeAsync("disabled", "");
        await browser.ScreenshotAsync("resources-stopped");

        await start.ClickAsync();
        await Expect(state).ToHaveTextAsync("Running");
        var started = await d.WaitForAsync("api", s => s.State == KnownResourceStates.Running && s.Replicas.All(r => r.ProcessId is not null));
        var pids = started.Snapshot.Replicas.Select(r => r.ProcessId).ToArray();

        await Row(page, "api").GetByRole(AriaRole.Button, new() { Name = "Restart api", Exact = true }).ClickAsync();
        var restarted = await d.WaitForAsync("api", s => s.State == KnownResourceStates.Running && s.Replicas.Length == 2
            && s.Replicas.All(r => r.ProcessId is not null && !pids.Contains(r.ProcessId)));
        await Row(page, "api").GetByRole(AriaRole.Link, new() { Name = "api", Exact = true }).ClickAsync();
        foreach (var replica in restarted.Snapshot.Replicas)
        {
            await Expect(page.Locator($"#details tr[data-replica='{replica.Name}'] td").Nth(3)).ToHaveTextAsync(replica.ProcessId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await Expect(state).ToHaveTextAsync("Running");
        await browser.ScreenshotAsync("resources-restarted");
    }

    [Fact]
    public async Task ConsoleLogsShowLinesLiveAsTextWithColoursSearchAndPause()
    {
        await using var d = await DashboardApp.StartAsync();
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;
        await page.GotoAsync(d.Server.LoginUrl!.ToString());
        await page.GotoAsync(new Uri(d.Url, "/consolelogs/resource/api").ToString());
        var view = page.Locator("#log-view");
        // The real child's start line, kept from before the page opened.
        await Expect(view).ToContainTextAsync("TestService started pid=");

        const string Hostile = "<img src=x onerror=alert(1)>";
        d.App.ResourceLogs.WriteLine("api", "api-1", Hostile);
        d.App.ResourceLogs.WriteLine("api", "api-0", "plain \u001b[31mred words\u001b[0m back to plain");
        await Expect(view.GetByText(Hostile)).ToBeVisibleAsync();
        await Expect(view.Locator("img")).ToHaveCountAsync(0);
        await Expect(view.Locator(".fg-red")).ToHaveTextAsync("red words");
        await Expect(view).Not.ToContainTextAsync("\u001b");
        Assert.Empty(browser.Dialogs);

        await page.Locator("#log-search").FillAsync("onerror");
        await Expect(view.Locator(".log-line")).ToHaveCountAsync(1);
        await page.Locator("#log-search").FillAsync("");
        await page.Locator("#replica-select").SelectOptionAsync("api-0");
        await Expect(view.GetByText(Hostile)).ToHaveCountAsync(0);
        await Expect(view.Locator(".fg-red")).ToHaveCountAsync(1);
        await page.Locator("#replica-select").SelectOptionAsync("");
        await browser.ScreenshotAsync("console-logs");

        await page.Locator("#pause").ClickAsync();
        await Expect(page.Locator("#pause")).ToHaveTextAsync("Resume");
        d.App.ResourceLogs.WriteLine("api", "api-0", "written while paused");
        await Expect(page.Locator("#log-count")).ToContainTextAsync("paused, 1 waiting");
        await Expect(view).Not.ToContainTextAsync("written while paused");
        await page.Locator("#pause").ClickAsync();
        await Expect(view).ToContainTextAsync("written while paused");
        Assert.Empty(browser.Dialogs);
    }

    [Fact]
    public async Task ConsoleLogsKeepTheNewestLinesAndOnlyAFewInTheDomUnderAFlood()
    {
        await using var d = await DashboardApp.StartAsync();
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;
        await page.GotoAsync(d.Server.LoginUrl!.ToString());
        await page.GotoAsync(new Uri(d.Url, "/consolelogs/resource/api").ToString());
        await Expect(page.Locator("#log-view")).ToContainTextAsync("TestService started pid=");

        // Twice the kept limit, as fast as the AppHost takes them.
        const int Total = 2 * ResourceLoggerService.DefaultCapacity;
        for (var i = 1; i <= Total; i++)
        {
            d.App.ResourceLogs.WriteLine("api", "api-0", $"flood {i}");
        }

        await Expect(page.Locator("#log-view").GetByText($"flood {Total}", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator("#log-count")).ToHaveTextAsync($"{ResourceLoggerService.DefaultCapacity} of {ResourceLoggerService.DefaultCapacity} lines");
        var inDom = await page.Locator(".log-line").CountAsync();
        Assert.InRange(inDom, 1, 500);
        await page.Locator("#log-search").FillAsync("flood 10000");
        // "flood 10000" itself was dropped (only the newest 10,000 are kept); "flood 100000" was never written.
        await Expect(page.Locator(".log-line")).ToHaveCountAsync(0);
        await page.Locator("#log-search").FillAsync("flood 10001");
        await Expect(page.Locator(".log-line")).ToHaveCountAsync(1);
        await browser.ScreenshotAsync("console-logs-flood");
    }

    [Fact]
    public async Task StageEventsAppearLiveOnTheTimeline()
    {
        await using var d = await DashboardApp.StartAsync();
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;
        await page.GotoAsync(d.Server.LoginUrl!.ToString());
        await page.GotoAsync(new Uri(d.Url, "/stages").ToString());
        await Expect(page.Locator("#no-stages")).ToBeVisibleAsync();

        await PostStageAsync(d, new { name = "image-cache", state = "Running", message = "building <b>disk image</b>", objects = new[] { "compute/v1/projects/p/global/images/vllm-cache" } });
        var row = page.Locator("tr[data-stage='image-cache']");
        await Expect(row.Locator("[data-state]")).ToHaveTextAsync("Running");
        await Expect(row.Locator(".message")).ToHaveTextAsync("building <b>disk image</b>");
        await Expect(row.Locator(".timeline .bar")).ToHaveCountAsync(1);

        await PostStageAsync(d, new { name = "node-pool", state = "Pending" });
        await PostStageAsync(d, new { name = "image-cache", state = "Succeeded", objects = new[] { "compute/v1/projects/p/zones/z/instances/builder" } });
        await Expect(row.Locator("[data-state]")).ToHaveTextAsync("Succeeded");
        await Expect(row.Locator(".objects li")).ToHaveTextAsync(["compute/v1/projects/p/global/images/vllm-cache", "compute/v1/projects/p/zones/z/instances/builder"]);
        await Expect(page.Locator("tr[data-stage]")).ToHaveCountAsync(2);
        await browser.ScreenshotAsync("stages");
    }

    [Fact]
    public async Task DeployAndDestroyAskFirst_AndTheAnswerIsShown()
    {
        // This model has no Provisioner service: the dashboard server answers for it (the full path is tested in
        // Provisioner.Deploy.Tests with a real Provisioner process).
        await using var d = await DashboardApp.StartAsync();
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;
        await page.GotoAsync(d.Server.LoginUrl!.ToString());
        await page.GotoAsync(new Uri(d.Url, "/stages").ToString());

        await page.Locator("#destroy").ClickAsync();
        await Expect(page.Locator("#confirm")).ToHaveTextAsync("Yes, destroy");
        await Expect(page.Locator("#deploy")).ToHaveCountAsync(0);
        await page.Locator("#cancel").ClickAsync();
        await Expect(page.Locator("#confirm")).ToHaveCountAsync(0);
        await Expect(page.Locator("#provisioner-answer")).ToHaveCountAsync(0);

        await page.Locator("#deploy").ClickAsync();
        await Expect(page.Locator("#confirm")).ToHaveTextAsync("Yes, deploy");
        await page.Locator("#confirm").ClickAsync();
        await Expect(page.Locator("#provisioner-answer")).ToHaveAttributeAsync("data-status", "404");
        await Expect(page.Locator("#provisioner-answer")).ToContainTextAsync("AddProvisioner");

        await page.Locator("#deploy-dry-run").ClickAsync();
        await Expect(page.Locator("#provisioner-answer")).ToContainTextAsync("no Provisioner service");
        await browser.ScreenshotAsync("stages-actions");
    }

    [Fact]
    public async Task MetricsAreChartedFromPrometheusDataAndTheirAbsenceIsExplained()
    {
        await using (var bare = await DashboardApp.StartAsync())
        await using (var browser = await Browser.LaunchAsync())
        {
            await browser.Page.GotoAsync(bare.Server.LoginUrl!.ToString());
            await browser.Page.GotoAsync(new Uri(bare.Url, "/metrics").ToString());
            await Expect(browser.Page.Locator("#metrics-unavailable")).ToContainTextAsync("AddPrometheus");
            await browser.ScreenshotAsync("metrics-without-prometheus");
        }

        Assert.True(File.Exists("/usr/bin/prometheus"), "Debian's prometheus is missing; test.sh installs it (apt-get install -y prometheus).");
        await using var d = await DashboardApp.StartAsync(builder =>
        {
            var weights = builder.AddModelWeights("tiny-model");
            builder.AddVllm("vllm").WithModel(weights);
            builder.AddPrometheus("prometheus");
        });
        await d.WaitForAsync("vllm", s => s.State == KnownResourceStates.Running && s.HealthStatus == ResourceHealthStatus.Healthy);
        // Healthy means the probe's /-/ready passed Prometheus's basic auth.
        await d.WaitForAsync("prometheus", s => s.State == KnownResourceStates.Running && s.HealthStatus == ResourceHealthStatus.Healthy);
        await AssertPrometheusNeedsItsPasswordAsync(d);

        await using var b = await Browser.LaunchAsync();
        await b.Page.GotoAsync(d.Server.LoginUrl!.ToString());
        await b.Page.GotoAsync(new Uri(d.Url, "/metrics").ToString());
        await Expect(b.Page.Locator("#metrics-updated")).ToContainTextAsync("updated");
        // Plotly draws one SVG path per trace once Prometheus has scraped the simulator's vllm:num_requests_* gauges
        // (the page re-queries every 5 s; scrapes are every 2 s).
        var requests = b.Page.Locator("[data-chart='requests']");
        await Expect(requests.Locator(".scatterlayer .trace")).ToHaveCountAsync(2, new() { Timeout = 60_000 });
        await Expect(requests.Locator(".legendtext")).ToHaveTextAsync(["running", "waiting"]);
        await Expect(b.Page.Locator("[data-chart='replicas'] .scatterlayer .trace")).ToHaveCountAsync(1);
        // The values Plotly drew are Prometheus's: one vLLM replica scraped, no request running.
        var replicas = await b.Page.EvaluateAsync<double[]>("() => document.getElementById('chart-replicas').data[0].y");
        Assert.NotEmpty(replicas);
        Assert.All(replicas, v => Assert.Equal(1, v));
        var running = await b.Page.EvaluateAsync<double[]>("() => document.getElementById('chart-requests').data[0].y");
        Assert.All(running, v => Assert.Equal(0, v));
        await b.Page.Locator("#time-range").SelectOptionAsync("1 hour");
        await Expect(requests.Locator(".scatterlayer .trace")).ToHaveCountAsync(2);
        await b.ScreenshotAsync("metrics");
    }

    // The real Prometheus refuses an anonymous query and a wrong password, and answers with this run's password,
    // which is a masked secret parameter: never in the dashboard's API or pages.
    private static async Task AssertPrometheusNeedsItsPasswordAsync(DashboardApp d)
    {
        var prometheus = d.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<PrometheusResource>().Single();
        var url = new Uri(d.App.GetEndpoint("prometheus"), "/api/v1/query?query=up");
        using var http = new HttpClient();
        using (var anonymous = await http.GetAsync(url))
        {
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using (var wrong = new HttpRequestMessage(HttpMethod.Get, url))
        {
            wrong.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("vllm-aspire:guess"u8.ToArray()));
            using var refused = await http.SendAsync(wrong);
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using (var authorized = new HttpRequestMessage(HttpMethod.Get, url))
        {
            authorized.Headers.Authorization = prometheus.GetAuthorization();
            using var answered = await http.SendAsync(authorized);
            Assert.Equal(System.Net.HttpStatusCode.OK, answered.StatusCode);
            Assert.Contains("\"status\":\"success\"", await answered.Content.ReadAsStringAsync());
        }

        using var resources = await d.Http.SendAsync(d.Request(HttpMethod.Get, "/api/resources"));
        var body = await resources.Content.ReadAsStringAsync();
        Assert.Contains("\"prometheus-password\"", body);
        Assert.DoesNotContain(prometheus.Password!.Value, body);
        Assert.DoesNotContain(prometheus.Password.Value, await File.ReadAllTextAsync(prometheus.WebConfigPath));
    }

    private static ILocator Row(IPage page, string resource) => page.Locator($"tr[data-resource='{resource}']");

    private static async Task PostStageAsync(DashboardApp d, object body)
    {
        using var request = d.Request(HttpMethod.Post, "/api/stages/events");
        request.Content = JsonContent.Create(body);
        using var response = await d.Http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
    }
}
