using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using VllmAspire.Contracts.Plan;
using VllmAspire.Testing;
using VllmAspire.Testing.Aspire;
using VllmAspire.Testing.Fakes.Gcp;
using static Microsoft.Playwright.Assertions;

namespace VllmAspire.AppHost.Tests;

/// <summary>
/// A dry run started from the dashboard: the real Provisioner service deploys a published plan against fakes of the
/// Google APIs, and each of its stages shows in Aspire's dashboard as a child of the provisioner with its state.
/// </summary>
[Collection(AppHostProcessCollection.Name)]
public sealed class ProvisioningStagesTests
{
    [Fact]
    public async Task A_dry_run_from_the_dashboard_shows_each_stage_under_the_provisioner()
    {
        await using var gcp = await FakeGcp.StartAsync();
        gcp.ResourceManager.AddProject("my-project", 123456789012);
        gcp.Container.AddCluster("my-project", "us-central1", "vllm-cluster");
        await using var run = await RunningApp.StartAsync(builder =>
        {
            var provisioner = builder.AddProvisioner("provisioner").WithEnvironment("GOOGLE_OAUTH_ACCESS_TOKEN", FakeGcp.AccessToken);
            foreach (var (key, value) in gcp.ClientConfiguration())
            {
                provisioner.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }, new DistributedApplicationTestingBuilderOptions { EnableDashboard = true });
        Publish(run.Model.Resources.OfType<ProvisionerResource>().Single().PublishedPath);
        await using var browser = await DashboardPage.LoginAsync(run);
        var page = browser.Page;

        await DashboardPage.RunCommandAsync(page, run, "provisioner", "Deploy (dry run)");
        await Expect(DashboardPage.Toast(page, "provisioner \"Deploy (dry run)\" succeeded")).ToBeVisibleAsync();

        // Every stage of the run, indented under the provisioner, ends Succeeded or Skipped: a dry run changes nothing.
        var stages = await run.WaitUntilAsync(
            app => app.All.Where(e => e.Resource is ProvisioningStageResource && !e.Snapshot.IsHidden).ToList() is { Count: > 0 } s
                && s.All(e => e.Snapshot.State?.Text is "Succeeded" or "Skipped" or "Failed") ? s : null,
            "every stage of the dry run to end", TimeSpan.FromMinutes(3));
        Assert.All(stages, e => Assert.True(e.Snapshot.State?.Text != "Failed",
            $"{e.ResourceId} failed: {e.Snapshot.Properties.FirstOrDefault(p => p.Name == "stage.message")?.Value}"));
        Assert.Contains(stages, e => e.Snapshot.State?.Text == "Succeeded");
        foreach (var stage in stages)
        {
            var row = DashboardPage.Row(page, stage.Resource.Name);
            await Expect(DashboardPage.State(row)).ToHaveAttributeAsync("title", stage.Snapshot.State!.Text);
            Assert.NotEqual("0px", await row.Locator(".resources-name-container").EvaluateAsync<string>("e => getComputedStyle(e).marginLeft"));
            Assert.Equal("deploy (dry run)", stage.Snapshot.Properties.Single(p => p.Name == "stage.run").Value);
        }

        Assert.Empty(gcp.Writes);
        await browser.ScreenshotAsync("provisioning-stages");

        // The run is a trace with a span per stage.
        await page.GotoAsync(new Uri(await run.App.GetDashboardUrlAsync(), "/traces").ToString());
        await DashboardPage.OpenTraceAsync(page, "provisioner: deploy");
        foreach (var stage in stages)
        {
            await Expect(page.GetByText(((ProvisioningStageResource)stage.Resource).Stage, new() { Exact = true }).First).ToBeVisibleAsync();
        }

        await browser.ScreenshotAsync("provisioning-trace");
    }

    // The publishing tests' golden plan, without the container images it builds and the Kubernetes objects it applies
    // (their stages need a registry and a cluster).
    private static void Publish(string folder)
    {
        var golden = JsonSerializer.Deserialize<GkePlan>(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "VllmAspire.Publishing.Tests", "Golden", "gke-plan.json")))!;
        var plan = golden with
        {
            ContainerImages = [],
            Steps = [.. golden.Steps.Select(s => s with { DependsOn = s.DependsOn with { ContainerImages = [], KubernetesObjects = [] }, RequiredBy = [] })],
        };
        Directory.CreateDirectory(Path.Combine(folder, "kubernetes"));
        File.WriteAllText(Path.Combine(folder, "gke-plan.json"), plan.ToJson());
    }
}
