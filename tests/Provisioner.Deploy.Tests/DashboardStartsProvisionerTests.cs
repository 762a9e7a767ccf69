using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VllmAspire.Contracts.Stages;
using VllmAspire.Hosting;
using VllmAspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Dashboard;

namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>
/// A real AppHost orchestration: its dashboard, and the Provisioner service it runs as a child process. The
/// dashboard asks the service to deploy; the service reports every stage back to the dashboard.
/// </summary>
public sealed class DashboardStartsProvisionerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(150);

    [Fact]
    public async Task A_dry_run_started_from_the_dashboard_shows_the_runs_stages_on_the_dashboard()
    {
        await using var deployment = await GcpDeployment.StartAsync(kubernetes: true);
        var appHostDirectory = Directory.CreateTempSubdirectory("vllm-aspire-dashboard-provisioner-").FullName;
        var dataDirectory = Path.Combine(appHostDirectory, "data");
        // What the AppHost's deploy verb leaves in its publish folder, which the service deploys by default.
        CopyDirectory(deployment.Folder.Root, Path.Combine(dataDirectory, "publish"));

        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Args = [], AppHostDirectory = appHostDirectory });
        builder.Configuration["Dashboard:Url"] = "http://127.0.0.1:0";
        builder.Configuration["AppHost:DataDirectory"] = dataDirectory;
        var provisioner = builder.AddProvisioner("provisioner");
        foreach (var (key, value) in deployment.Environment())
        {
            provisioner.WithEnvironment(key, value);
        }

        await using var app = builder.Build();
        try
        {
            await app.StartAsync();
            var dashboard = app.Services.GetRequiredService<DashboardServer>();
            using var http = new HttpClient { BaseAddress = dashboard.Url };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", dashboard.Token.Value);
            using var deadline = new CancellationTokenSource(Deadline);

            // The service may still be building or starting: the dashboard answers 503 until it runs.
            HttpResponseMessage answer;
            while ((answer = await http.PostAsync("/api/provisioner/deploy?dryRun=true", null, deadline.Token)).StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                answer.Dispose();
                await Task.Delay(200, deadline.Token);
            }

            using (answer)
            {
                Assert.True(answer.StatusCode == HttpStatusCode.Accepted, await answer.Content.ReadAsStringAsync(deadline.Token));
            }

            // The running service's environment: the dashboard, with the narrower stage-events token (secret, so masked
            // wherever the environment is shown), and the publish folder.
            var environment = await provisioner.Resource.ResolveEnvironmentAsync(
                new ValueProviderContext(app.Services.GetRequiredService<DistributedApplicationExecutionContext>(), provisioner.Resource), deadline.Token);
            Assert.Equal(dashboard.Url!.ToString(), environment["Dashboard__Url"].Value);
            Assert.Equal((dashboard.StageEventsToken.Value, true, ResolvedValue.Mask), (environment["Dashboard__Token"].Value, environment["Dashboard__Token"].IsSecret, environment["Dashboard__Token"].Display));
            Assert.Equal(Path.Combine(dataDirectory, "publish"), environment["Provisioner__PublishedPath"].Value);
            Assert.True(environment["Provisioner__ApiToken"].IsSecret);

            // Every stage of the run reaches the dashboard through the service's stage events.
            string[] expected = ["kubernetes-base", "image-cache", "workload-vllm", "hpa", "gcp-prune"];
            JsonElement stages;
            while (true)
            {
                stages = await http.GetFromJsonAsync<JsonElement>("/api/stages", deadline.Token);
                var states = stages.EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("state").GetString()!);
                if (expected.All(states.ContainsKey) && states.Values.All(s => s is not KnownStageStates.Running and not KnownStageStates.Pending))
                {
                    break;
                }

                await Task.Delay(100, deadline.Token);
            }

            // From nothing, prune finds nothing older to delete; every other stage would create or change.
            Assert.All(stages.EnumerateArray(), s => Assert.True(
                s.GetProperty("state").GetString() == (s.GetProperty("name").GetString() == "gcp-prune" ? KnownStageStates.Skipped : KnownStageStates.Succeeded), s.ToString()));
            // A dry run: the fakes were only read.
            Assert.Empty(deployment.Fake.Writes);
            Assert.Empty(deployment.Kubernetes!.Writes);
        }
        finally
        {
            await app.StopAsync();
            Directory.Delete(appHostDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task The_stage_events_token_only_posts_stage_events()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Args = [],
            AppHostDirectory = Directory.CreateTempSubdirectory("vllm-aspire-dashboard-events-token-").FullName,
        });
        builder.Configuration["Dashboard:Url"] = "http://127.0.0.1:0";
        await using var app = builder.Build();
        await app.StartAsync();
        try
        {
            var dashboard = app.Services.GetRequiredService<DashboardServer>();
            using var http = new HttpClient { BaseAddress = dashboard.Url };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", dashboard.StageEventsToken.Value);

            using var posted = await http.PostAsJsonAsync("/api/stages/events", new { name = "image", state = KnownStageStates.Running, start = DateTimeOffset.UtcNow });
            Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
            using var read = await http.GetAsync("/api/stages");
            Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
            using var action = await http.PostAsync("/api/provisioner/deploy?dryRun=true", null);
            Assert.Equal(HttpStatusCode.Unauthorized, action.StatusCode);
            Assert.NotEqual(dashboard.Token.Value, dashboard.StageEventsToken.Value);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
