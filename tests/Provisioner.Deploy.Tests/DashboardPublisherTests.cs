using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using VllmAspire.Contracts.Stages;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Provisioner.Stages.Observers;

namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>The dashboard publisher against the real dashboard on loopback, and without one.</summary>
public sealed class DashboardPublisherTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly CallLog _log = new();

    private static async Task<RunSummary> RunAsync(IStageObserver observer, params IProvisioningStage[] stages)
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        var options = new StageRunOptions { Mode = StageRunMode.Deploy, Labels = new Dictionary<string, string>(), Services = services };
        return await new StageRunner(TimeProvider.System).RunAsync(StageGraph.Create(stages), options, [observer], CancellationToken.None).WaitAsync(Deadline);
    }

    [Fact]
    public async Task Every_stage_reaches_the_real_dashboard_with_its_final_state_times_and_objects()
    {
        await using var dashboard = await DashboardFixture.StartAsync();
        await using var publisher = new DashboardStagePublisher(dashboard.Url, dashboard.Token, NullLogger.Instance);

        var summary = await RunAsync(publisher,
            new TestStage("image-cache", _log)
            {
                Reconcile = (context, _) =>
                {
                    context.Progress.Report(new StageProgress("image-cache", "builder VM RUNNING", ["compute/v1/projects/p/zones/z/instances/builder"]));
                    return Task.FromResult(new StageResult(StageOutcome.Created, ["compute/v1/projects/p/global/images/cache"], "created the image"));
                },
            },
            new TestStage("node-pool", _log, "image-cache") { Reconcile = (_, _) => throw new ProvisioningException("container/v1/pool", "400 Bad Request", "Fix the machine type.") },
            new TestStage("workloads", _log, "node-pool"));
        await publisher.FlushAsync(Deadline);

        Assert.False(summary.Succeeded);
        Assert.Equal(0, publisher.Failures);
        var stages = (await dashboard.GetStagesAsync()).EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.Equal(["image-cache", "node-pool", "workloads"], stages.Keys.Order());

        var image = stages["image-cache"];
        Assert.Equal(KnownStageStates.Succeeded, image.GetProperty("state").GetString());
        Assert.Equal("created the image", image.GetProperty("message").GetString());
        Assert.Equal(
            ["compute/v1/projects/p/global/images/cache", "compute/v1/projects/p/zones/z/instances/builder"],
            image.GetProperty("objects").EnumerateArray().Select(o => o.GetString()).Order());
        Assert.Equal(summary.Stages.Single(s => s.Name == "image-cache").End, image.GetProperty("end").GetDateTimeOffset());

        Assert.Equal(KnownStageStates.Failed, stages["node-pool"].GetProperty("state").GetString());
        Assert.Contains("400 Bad Request", stages["node-pool"].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(KnownStageStates.Skipped, stages["workloads"].GetProperty("state").GetString());
        Assert.Equal("not run: stage 'node-pool' failed", stages["workloads"].GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_wrong_token_is_refused_and_the_deploy_still_succeeds()
    {
        await using var dashboard = await DashboardFixture.StartAsync();
        await using var publisher = new DashboardStagePublisher(dashboard.Url, "not-the-token", NullLogger.Instance);

        var summary = await RunAsync(publisher, new TestStage("a", _log));
        await publisher.FlushAsync(Deadline);

        Assert.True(summary.Succeeded);
        Assert.Equal(0, publisher.Sent);
        Assert.True(publisher.Failures > 0);
        Assert.Equal(JsonValueKind.Array, (await dashboard.GetStagesAsync()).ValueKind);
        Assert.Equal(0, (await dashboard.GetStagesAsync()).GetArrayLength());
    }

    [Fact]
    public async Task With_the_dashboard_gone_the_deploy_succeeds_and_flushing_ends_promptly()
    {
        // A port that was free a moment ago: nothing listens there.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var publisher = new DashboardStagePublisher(new Uri($"http://127.0.0.1:{port}"), "token", NullLogger.Instance);

        var summary = await RunAsync(publisher, new TestStage("a", _log), new TestStage("b", _log, "a"));
        await publisher.FlushAsync(Deadline).WaitAsync(Deadline);

        Assert.True(summary.Succeeded);
        Assert.Equal(0, publisher.Sent);
        Assert.True(publisher.Failures >= 6, $"{publisher.Failures} failures for 6 events");
    }

    [Fact]
    public void Without_url_or_token_there_is_no_publisher_and_a_bad_url_names_the_setting()
    {
        Assert.Null(DashboardStagePublisher.Create(null, "t", NullLogger.Instance));
        Assert.Null(DashboardStagePublisher.Create("http://127.0.0.1:18888", " ", NullLogger.Instance));
        var e = Assert.Throws<ArgumentException>(() => DashboardStagePublisher.Create("127.0.0.1:18888", "t", NullLogger.Instance));
        Assert.StartsWith("Dashboard:Url '127.0.0.1:18888' is not an http(s) URL", e.Message, StringComparison.Ordinal);
    }
}
