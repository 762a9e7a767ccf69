using System.Collections.Concurrent;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VllmAspire.Contracts.Stages;
using VllmAspire.Hosting.Provisioner;

namespace VllmAspire.Hosting.Tests;

/// <summary>
/// The provisioner's Deploy command and the stages of its run as child resources, against a stand-in for the
/// Provisioner service's API on loopback (<c>POST /api/deploy</c>, <c>GET /api/run</c>, <c>GET /api/stages</c>).
/// </summary>
public sealed class ProvisionerCommandsTests : IAsyncDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("vllm-aspire-provisioner-").FullName;
    private readonly ConcurrentQueue<string> _requests = new();
    private WebApplication? _api;

    [Fact]
    public async Task Deploy_with_nothing_published_says_how_to_publish_and_calls_nothing()
    {
        var (app, provisioner) = await ModelAsync();

        var result = await ExecuteAsync(app, provisioner, ProvisionerCommands.Deploy);

        Assert.False(result.Success);
        Assert.Equal($"Nothing is published in {provisioner.PublishedPath} yet, so there is nothing to deploy. Publish the model there first, with the GCP parameters set: " +
            $"dotnet aspire publish -o {provisioner.PublishedPath} (see README, Deploy), then run deploy again.", result.Message);
        Assert.Empty(_requests);
    }

    [Fact]
    public async Task A_refused_run_is_a_failure_with_the_services_own_words()
    {
        var (app, provisioner) = await ModelAsync(busy: true);
        Publish(provisioner);

        var result = await ExecuteAsync(app, provisioner, ProvisionerCommands.Destroy);

        Assert.False(result.Success);
        Assert.Equal("The provisioner refused the destroy (409 Conflict): A deploy is running; wait for it to end and try again.", result.Message);
    }

    [Fact]
    public async Task A_dry_run_sends_the_token_and_each_stage_shows_live_under_the_provisioner_until_the_run_ends()
    {
        var (app, provisioner) = await ModelAsync();
        Publish(provisioner);
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        await notifications.PublishUpdateAsync(provisioner, s => s with { State = KnownResourceStates.Running });
        using var watching = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var seen = new ConcurrentQueue<ResourceEvent>();
        var watch = Task.Run(async () =>
        {
            await foreach (var e in notifications.WatchAsync(watching.Token))
            {
                if (e.Resource is ProvisioningStageResource)
                {
                    seen.Enqueue(e);
                }
            }
        }, watching.Token);

        var result = await ExecuteAsync(app, provisioner, ProvisionerCommands.DryRun);

        Assert.True(result.Success, result.Message);
        Assert.Equal($"POST /api/deploy Bearer {await provisioner.ApiToken.GetValueAsync(default)} {{\"dryRun\":true}}", _requests.First());
        var done = await notifications.WaitForResourceAsync("provisioner-node-pool", e => e.Snapshot.State?.Text == KnownStageStates.Succeeded, watching.Token);
        await notifications.WaitForResourceAsync("provisioner-workloads", e => e.Snapshot.State?.Text == KnownStageStates.Skipped, watching.Token);

        Assert.Equal(ProvisioningStageMonitor.ResourceType, done.Snapshot.ResourceType);
        Assert.Equal(KnownResourceStateStyles.Success, done.Snapshot.State?.Style);
        var properties = done.Snapshot.Properties.ToDictionary(p => p.Name, p => p.Value?.ToString());
        Assert.Equal("provisioner", properties["resource.parentName"]);
        Assert.Equal("deploy (dry run)", properties["stage.run"]);
        Assert.Equal("would create node pool vllm-pool", properties["stage.message"]);
        Assert.Equal("container/v1/projects/p/locations/l/clusters/c/nodePools/vllm-pool", properties["stage.objects"]);
        Assert.Same(provisioner, ((ProvisioningStageResource)done.Resource).Parent);
        // The node pool was seen Running before it Succeeded: the states arrive while the run goes on.
        Assert.Contains(seen, e => e.Resource.Name == "provisioner-node-pool" && e.Snapshot.State?.Text == KnownStageStates.Running);
        var logs = await LogsAsync(app, "provisioner-node-pool", count: 2);
        Assert.Collection(logs,
            l => Assert.EndsWith("checking node pool vllm-pool", l, StringComparison.Ordinal),
            l => Assert.EndsWith("would create node pool vllm-pool", l, StringComparison.Ordinal));
        await watching.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch);
    }

    public async ValueTask DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        Directory.Delete(_data, recursive: true);
    }

    // A model with the provisioner, its endpoint allocated at the stand-in's address; built, not started.
    private async Task<(DistributedApplication App, ProvisionerResource Provisioner)> ModelAsync(bool busy = false)
    {
        _api = await StandInAsync(busy);
        var builder = DistributedApplication.CreateBuilder([$"--VllmAspire:DataDirectory={_data}"]);
        var provisioner = builder.AddProvisioner("provisioner").Resource;
        var endpoint = provisioner.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http");
        endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, "127.0.0.1", new Uri(_api.Urls.Single()).Port);
        return (builder.Build(), provisioner);
    }

    private static void Publish(ProvisionerResource provisioner)
    {
        Directory.CreateDirectory(provisioner.PublishedPath);
        File.WriteAllText(Path.Combine(provisioner.PublishedPath, "gke-plan.json"), "{}");
    }

    private static Task<ExecuteCommandResult> ExecuteAsync(DistributedApplication app, ProvisionerResource provisioner, string command)
    {
        var annotation = provisioner.Annotations.OfType<ResourceCommandAnnotation>().Single(c => c.Name == command);
#pragma warning disable CS0618 // ServiceProvider is obsolete but still required; the command reads Services.
        return annotation.ExecuteCommand(new ExecuteCommandContext
        {
            ServiceProvider = app.Services,
            Services = app.Services,
            ResourceName = provisioner.Name,
            Arguments = new InteractionInputCollection([]),
            Logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(command),
            CancellationToken = default,
        });
#pragma warning restore CS0618
    }

    // The first lines a resource logs (Aspire's backlog, then new lines), in a model that is built but not started.
    private static async Task<List<string>> LogsAsync(DistributedApplication app, string resource, int count)
    {
        var lines = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await foreach (var batch in app.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(resource).WithCancellation(timeout.Token))
        {
            lines.AddRange(batch.Select(l => l.Content));
            if (lines.Count >= count)
            {
                break;
            }
        }

        return lines;
    }

    // The service's API as Provisioner/Commands/ServeCommand.cs maps it: the token is required, one run at a time, and a
    // dry run whose node pool is checked, then would be created, while the workloads wait and are then skipped.
    private async Task<WebApplication> StandInAsync(bool busy)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var api = builder.Build();
        var polls = 0;
        var start = DateTimeOffset.UtcNow;
        StageEvent[] Stages() => Interlocked.Increment(ref polls) switch
        {
            <= 2 => [new("node-pool", KnownStageStates.Running, start, Message: "checking node pool vllm-pool"), new("workloads", KnownStageStates.Pending)],
            _ =>
            [
                new("node-pool", KnownStageStates.Succeeded, start, start.AddSeconds(3), "would create node pool vllm-pool", ["container/v1/projects/p/locations/l/clusters/c/nodePools/vllm-pool"]),
                new("workloads", KnownStageStates.Skipped, Message: "the node pool is not there in a dry run"),
            ],
        };
        api.MapPost("/api/{verb}", async (string verb, HttpContext context) =>
        {
            _requests.Enqueue($"POST /api/{verb} {context.Request.Headers.Authorization} {await new StreamReader(context.Request.Body).ReadToEndAsync()}");
            return busy
                ? Results.Problem(statusCode: 409, detail: "A deploy is running; wait for it to end and try again.")
                : Results.Accepted("/api/run", new { mode = verb, state = KnownStageStates.Running });
        });
        api.MapGet("/api/run", () => Results.Json(new { mode = "deploy", state = Volatile.Read(ref polls) >= 3 ? KnownStageStates.Succeeded : KnownStageStates.Running }));
        api.MapGet("/api/stages", () => Results.Json(Stages(), new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        await api.StartAsync();
        return api;
    }
}
