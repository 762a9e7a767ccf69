using System.Net;
using System.Net.Sockets;
using VllmAspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Orchestration;
using Microsoft.Extensions.DependencyInjection;

namespace VllmAspire.Hosting.Tests;

public class LifecycleTests
{
    [Fact]
    public async Task WaitForHoldsTheDependentUntilTheDependencyIsHealthy()
    {
        var healthFile = Path.Combine(Path.GetTempPath(), $"health-{Guid.NewGuid():N}");
        var builder = TestApplication.CreateBuilder();
        var database = builder.AddTestService("database").WithEnvironment("TEST_HEALTH_FILE", healthFile);
        builder.AddTestService("api").WaitFor(database);
        await using var app = builder.Build();
        await app.StartAsync();

        await app.WaitForAsync("database", s => s.State == KnownResourceStates.Running && s.HealthStatus == ResourceHealthStatus.Unhealthy);
        var waiting = await app.WaitForAsync("api", s => s.State == KnownResourceStates.Waiting);
        Assert.Empty(waiting.Snapshot.Replicas);
        Assert.Contains("database", waiting.Snapshot.StateMessage);

        await File.WriteAllTextAsync(healthFile, "ok");
        var databaseReady = await app.WaitForHealthyAsync("database");
        var apiRunning = await app.WaitForAsync("api", s => s.State == KnownResourceStates.Running);
        Assert.True(apiRunning.Snapshot.StartTimeStamp >= databaseReady.Snapshot.StartTimeStamp);
        await app.WaitForHealthyAsync("api");
        await app.StopAsync();
        File.Delete(healthFile);
    }

    [Fact]
    public async Task HealthFollowsTheProbeBothWays()
    {
        var healthFile = Path.Combine(Path.GetTempPath(), $"health-{Guid.NewGuid():N}");
        var builder = TestApplication.CreateBuilder();
        builder.AddTestService("api").WithEnvironment("TEST_HEALTH_FILE", healthFile);
        await using var app = builder.Build();
        await app.StartAsync();

        await app.WaitForAsync("api", s => s.State == KnownResourceStates.Running && s.HealthStatus == ResourceHealthStatus.Unhealthy);
        await File.WriteAllTextAsync(healthFile, "ok");
        await app.WaitForHealthyAsync("api");
        File.Delete(healthFile);
        await app.WaitForAsync("api", s => s.State == KnownResourceStates.Running && s.HealthStatus == ResourceHealthStatus.Unhealthy);
        await app.StopAsync();
    }

    [Fact]
    public async Task CrashedChildShowsExitedWithItsCodeAndKeepsItsLogsWhileOthersRun()
    {
        var builder = TestApplication.CreateBuilder();
        builder.AddTestService("crasher").WithEnvironment("TEST_PRINT_LINES", "about to crash");
        builder.AddTestService("survivor");
        await using var app = builder.Build();
        await app.StartAsync();
        await app.WaitForHealthyAsync("crasher");
        await app.WaitForHealthyAsync("survivor");

        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(app.GetEndpoint("crasher"), "/exit?code=3"), null);
        var exited = await app.WaitForAsync("crasher", s => s.State == KnownResourceStates.Exited);

        Assert.Equal(3, exited.Snapshot.ExitCode);
        Assert.Null(exited.Snapshot.HealthStatus);
        Assert.Contains(app.ResourceLogs.GetLines("crasher"), l => l.Text == "about to crash");
        Assert.Contains(app.ResourceLogs.GetLines("crasher"), l => l.Text.Contains("exited with code 3", StringComparison.Ordinal));
        Assert.True(app.ResourceNotifications.TryGetCurrentState("survivor", out var survivor));
        Assert.Equal(KnownResourceStates.Running, survivor.Snapshot.State);
        Assert.Equal("survivor", (await http.GetStringAsync(new Uri(app.GetEndpoint("survivor"), "/whoami"))).Split('"')[3]);
        await app.StopAsync();
    }

    [Fact]
    public async Task RestartStartsANewProcessThatBecomesHealthy()
    {
        var builder = TestApplication.CreateBuilder();
        builder.AddTestService("api");
        await using var app = builder.Build();
        await app.StartAsync();
        var before = await app.WaitForHealthyAsync("api");
        var oldPid = before.Snapshot.Replicas[0].ProcessId!.Value;

        await app.Services.GetRequiredService<ApplicationOrchestrator>().RestartResourceAsync("api");
        var after = await app.WaitForAsync("api", s => s.HealthStatus == ResourceHealthStatus.Healthy && s.Replicas[0].ProcessId is { } pid && pid != oldPid);

        Assert.False(TestApplication.ProcessExists(oldPid));
        Assert.True(TestApplication.ProcessExists(after.Snapshot.Replicas[0].ProcessId!.Value));
        await app.StopAsync();
    }

    [Fact]
    public async Task ScalingAddsReplicasBehindTheEndpointAndRemovesTheHighestFirst()
    {
        var builder = TestApplication.CreateBuilder();
        builder.AddTestService("api");
        await using var app = builder.Build();
        await app.StartAsync();
        await app.WaitForHealthyAsync("api");
        var orchestrator = app.Services.GetRequiredService<ApplicationOrchestrator>();

        await orchestrator.ScaleAsync("api", 3);
        var scaledUp = await app.WaitForAsync("api", s => s.Replicas.Length == 3 && s.Replicas.All(r => r.Health == ResourceHealthStatus.Healthy));
        Assert.Equal(["api-0", "api-1", "api-2"], scaledUp.Snapshot.Replicas.Select(r => r.Name));
        Assert.Equal(3, scaledUp.Snapshot.Replicas.Select(r => r.Url).Distinct().Count());
        var removedPids = scaledUp.Snapshot.Replicas.Skip(1).Select(r => r.ProcessId!.Value).ToList();

        await orchestrator.ScaleAsync("api", 1);
        var scaledDown = await app.WaitForAsync("api", s => s.Replicas.Length == 1);
        Assert.Equal("api-0", scaledDown.Snapshot.Replicas[0].Name);
        Assert.Equal(ResourceHealthStatus.Healthy, scaledDown.Snapshot.HealthStatus);
        Assert.All(removedPids, pid => Assert.False(TestApplication.ProcessExists(pid)));
        using var http = new HttpClient();
        Assert.Contains("\"api\"", await http.GetStringAsync(new Uri(app.GetEndpoint("api"), "/whoami")));
        await app.StopAsync();
    }

    [Fact]
    public async Task ResourcesWithoutAProcessAreHealthyOnceStartedAndFailWithTheirMessage()
    {
        var builder = TestApplication.CreateBuilder();
        var prepared = builder.AddModelWeights("weights");
        builder.AddModelWeights("broken").RunAsLocalFolder("no-such-folder");
        builder.AddTestService("api").WaitFor(prepared);
        await using var app = builder.Build();
        await app.StartAsync();

        var weights = await app.WaitForHealthyAsync("weights");
        Assert.Empty(weights.Snapshot.Replicas);
        Assert.True(File.Exists(Path.Combine(prepared.Resource.LocalPath!, "config.json")));
        var broken = await app.WaitForAsync("broken", s => s.State == KnownResourceStates.FailedToStart);
        Assert.Contains("has no *.safetensors files", broken.Snapshot.StateMessage);
        await app.WaitForHealthyAsync("api");
        await app.StopAsync();
    }

    [Fact]
    public async Task MissingExecutableIsOneClearMessageAndTheRestRuns()
    {
        var logs = new CapturingLoggerProvider();
        var builder = TestApplication.CreateBuilder(logs);
        builder.AddExecutable("ghost", "vllm-aspire-no-such-command", ".").WithInstallCommand("sudo apt-get install -y ghost");
        builder.AddTestService("api");
        await using var app = builder.Build();
        await app.StartAsync();

        var failed = await app.WaitForAsync("ghost", s => s.State == KnownResourceStates.FailedToStart);
        Assert.Contains("'vllm-aspire-no-such-command' was not found on PATH", failed.Snapshot.StateMessage);
        Assert.Contains("sudo apt-get install -y ghost", failed.Snapshot.StateMessage);
        Assert.Contains(logs.Messages, m => m.Contains("Resource 'ghost'", StringComparison.Ordinal) && m.Contains("not found on PATH", StringComparison.Ordinal));
        await app.WaitForHealthyAsync("api");
        await app.StopAsync();
    }

    [Fact]
    public async Task BuildFailureIsOneClearMessageWithTheCompilerErrorsInTheLogs()
    {
        var project = Directory.CreateTempSubdirectory("vllm-aspire-broken-").FullName;
        await File.WriteAllTextAsync(Path.Combine(project, "Broken.csproj"),
            "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>");
        await File.WriteAllTextAsync(Path.Combine(project, "Program.cs"), "this is not C#");
        var builder = TestApplication.CreateBuilder();
        builder.AddProject("broken", Path.Combine(project, "Broken.csproj")).WithHttpEndpoint();
        builder.AddTestService("api");
        await using var app = builder.Build();
        await app.StartAsync();

        var failed = await app.WaitForAsync("broken", s => s.State == KnownResourceStates.FailedToStart, TimeSpan.FromMinutes(2));
        Assert.Contains("Resource 'broken': Building Broken.csproj failed", failed.Snapshot.StateMessage);
        Assert.Contains($"dotnet build {Path.Combine(project, "Broken.csproj")}", failed.Snapshot.StateMessage);
        Assert.Contains(app.ResourceLogs.GetLines("broken"), l => l.Text.Contains("error CS", StringComparison.Ordinal));
        await app.WaitForHealthyAsync("api");
        await app.StopAsync();
        Directory.Delete(project, recursive: true);
    }

    [Fact]
    public async Task TakenPortNamesTheResourceTheEndpointAndTheFix()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var builder = TestApplication.CreateBuilder();
        builder.AddProject<Projects.TestService>("api").WithHttpEndpoint(port: port);
        builder.AddTestService("other");
        await using var app = builder.Build();
        await app.StartAsync();

        var failed = await app.WaitForAsync("api", s => s.State == KnownResourceStates.FailedToStart);
        Assert.Contains($"Resource 'api': port {port} of endpoint 'http' is already in use", failed.Snapshot.StateMessage);
        Assert.Contains("WithHttpEndpoint(port: ...)", failed.Snapshot.StateMessage);
        await app.WaitForHealthyAsync("other");
        await app.StopAsync();
    }

    [Fact]
    public async Task StopLeavesNoProcessBehindEvenGrandchildrenAndSigtermIgnorers()
    {
        var builder = TestApplication.CreateBuilder();
        builder.Configuration["AppHost:StopGraceSeconds"] = "1";
        builder.AddTestService("parent").WithEnvironment("TEST_SPAWN_GRANDCHILD", "true");
        builder.AddTestService("stubborn").WithEnvironment("TEST_IGNORE_SIGTERM", "true");
        await using var app = builder.Build();
        await app.StartAsync();
        var parent = await app.WaitForHealthyAsync("parent");
        var stubborn = await app.WaitForHealthyAsync("stubborn");
        var grandchildLine = await TestApplication.EventuallyAsync(
            () => Task.FromResult(app.ResourceLogs.GetLines("parent").FirstOrDefault(l => l.Text.StartsWith("grandchild pid=", StringComparison.Ordinal))),
            "the grandchild's pid");
        var pids = new[]
        {
            parent.Snapshot.Replicas[0].ProcessId!.Value,
            stubborn.Snapshot.Replicas[0].ProcessId!.Value,
            int.Parse(grandchildLine.Text["grandchild pid=".Length..], System.Globalization.CultureInfo.InvariantCulture),
        };
        Assert.All(pids, pid => Assert.True(TestApplication.ProcessExists(pid)));

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await app.StopAsync();

        Assert.All(pids, pid => Assert.False(TestApplication.ProcessExists(pid), $"process {pid} survived the stop"));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"stop took {stopwatch.Elapsed}");
    }
}
