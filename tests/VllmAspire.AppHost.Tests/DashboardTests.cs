using Aspire.Hosting.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace VllmAspire.AppHost.Tests;

/// <summary>
/// What we put in the real Aspire dashboard, seen in a browser (Debian's Chromium, logged in with the token URL): our
/// resources live with the autoscaler nested under vLLM, a command behind its confirmation, the autoscaler's charts.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class DashboardTests(LocalRunFixture fixture)
{
    [Fact]
    public async Task Our_resources_show_live_with_the_autoscaler_nested_under_a_vllm_replica()
    {
        await using var browser = await DashboardPage.LoginAsync(fixture.Run);
        var page = browser.Page;

        foreach (var name in new[] { "gemma-7b", "prometheus", "metrics-adapter", "provisioner", "vllm-hpa" })
        {
            await Expect(DashboardPage.State(DashboardPage.Row(page, name))).ToHaveAttributeAsync("title", "Running");
        }

        var replicas = page.Locator("tr.resource-row", new() { Has = page.Locator("td[aria-label^='Project: vllm-']") });
        await Expect(replicas).ToHaveCountAsync(LocalRunFixture.MaxReplicas);
        await Expect(replicas.Filter(new() { Has = page.Locator("td[col-index='2']", new() { HasText = "Running" }) })).ToHaveCountAsync(LocalRunFixture.RunningReplicas);
        await Expect(replicas.Filter(new() { Has = page.Locator("td[col-index='2']", new() { HasText = "Not started" }) })).ToHaveCountAsync(LocalRunFixture.MaxReplicas - LocalRunFixture.RunningReplicas);

        // The autoscaler is indented under the vLLM replica it keeps longest, the row right above it.
        var hpa = DashboardPage.Row(page, "vllm-hpa");
        var indent = await hpa.Locator(".resources-name-container").EvaluateAsync<string>("e => getComputedStyle(e).marginLeft");
        Assert.NotEqual("0px", indent);
        var above = await hpa.EvaluateAsync<string>("row => row.previousElementSibling?.querySelector('.resource-name-text')?.textContent?.trim() ?? ''");
        Assert.StartsWith("vllm-", above, StringComparison.Ordinal);
        await browser.ScreenshotAsync("resources");
    }

    [Fact]
    public async Task Deploy_asks_for_confirmation_first_and_then_says_what_to_publish()
    {
        await using var browser = await DashboardPage.LoginAsync(fixture.Run);
        var page = browser.Page;
        var publishedPath = fixture.Run.Model.Resources.OfType<Aspire.Hosting.ApplicationModel.ProvisionerResource>().Single().PublishedPath;

        // No: nothing runs.
        await DashboardPage.RunCommandAsync(page, fixture.Run, "provisioner", "Deploy");
        var dialog = page.Locator("fluent-dialog");
        await Expect(dialog.Locator(".message")).ToHaveTextAsync($"Deploy the model published in {publishedPath} to GKE? This creates and changes cloud resources that cost money.");
        await browser.ScreenshotAsync("deploy-confirmation");
        await dialog.Locator("fluent-button", new() { HasText = "No" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(DashboardPage.Toast(page, "provisioner \"Deploy\"")).ToHaveCountAsync(0);

        // Yes: the command runs, and with nothing published it says how to publish.
        await DashboardPage.RunCommandAsync(page, fixture.Run, "provisioner", "Deploy");
        await dialog.Locator("fluent-button", new() { HasText = "Yes" }).ClickAsync();
        var toast = DashboardPage.Toast(page, "provisioner \"Deploy\" failed");
        await Expect(toast).ToContainTextAsync($"Nothing is published in {publishedPath} yet");
        await Expect(toast).ToContainTextAsync($"dotnet aspire publish -o {publishedPath}");
        await browser.ScreenshotAsync("deploy-result");
    }

    [Fact]
    public async Task The_autoscaler_charts_replicas_and_the_metric_against_its_target()
    {
        await using var browser = await DashboardPage.LoginAsync(fixture.Run);
        var page = browser.Page;
        var dashboard = await fixture.Run.App.GetDashboardUrlAsync();

        await page.GotoAsync(new Uri(dashboard, "/metrics/resource/vllm-hpa").ToString());
        await Expect(page.GetByText("VllmAspire.Autoscaling.vllm-hpa")).ToBeVisibleAsync(new() { Timeout = 90_000 });
        // The table lists value changes, so a series that stays 0 (the idle queue's average) has no row: these do not.
        foreach (var (instrument, value) in new[]
        {
            ("hpa.replicas.current", LocalRunFixture.RunningReplicas), ("hpa.replicas.desired", LocalRunFixture.RunningReplicas), ("hpa.metric.target", 10),
        })
        {
            await DashboardPage.ClickUntilAsync(page.Locator($"fluent-tree-item[title='{instrument}']"),
                timeout => Expect(page.Locator("h1, h2, h3", new() { HasText = instrument })).ToBeVisibleAsync(new() { Timeout = timeout }));
            var cell = page.GetByRole(AriaRole.Gridcell, new() { Name = value.ToString(System.Globalization.CultureInfo.InvariantCulture), Exact = true }).First;
            await DashboardPage.ClickUntilAsync(page.GetByText("Table", new() { Exact = true }), timeout => Expect(cell).ToBeVisibleAsync(new() { Timeout = timeout }));
        }

        var average = page.Locator("fluent-tree-item[title='hpa.metric.average']");
        var description = page.GetByText("vllm:num_requests_waiting per pod, averaged over the pods at the last decision.");
        await DashboardPage.ClickUntilAsync(average, timeout => Expect(page.Locator("h1, h2, h3", new() { HasText = "hpa.metric.average" })).ToBeVisibleAsync(new() { Timeout = timeout }));
        await DashboardPage.ClickUntilAsync(page.GetByText("Graph", new() { Exact = true }), timeout => Expect(description).ToBeVisibleAsync(new() { Timeout = timeout }));
        await browser.ScreenshotAsync("autoscaler-metrics");
    }

    [Fact]
    public async Task A_vllm_start_shows_in_traces_with_a_span_per_phase()
    {
        await using var browser = await DashboardPage.LoginAsync(fixture.Run);
        var page = browser.Page;
        var dashboard = await fixture.Run.App.GetDashboardUrlAsync();

        await page.GotoAsync(new Uri(dashboard, "/traces").ToString());
        await DashboardPage.OpenTraceAsync(page, "vllm: vLLM start");
        foreach (var phase in new[] { "imports", "engine", "weight load", "torch.compile", "CUDA graph capture", "ready" })
        {
            await Expect(page.GetByText(phase, new() { Exact = true }).First).ToBeVisibleAsync();
        }

        await browser.ScreenshotAsync("vllm-start-trace");
    }
}

