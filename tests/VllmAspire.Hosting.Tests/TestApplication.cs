using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Tests;

/// <summary>Builds throw-away applications for tests: own folder, quick health checks, captured AppHost logs.</summary>
internal static class TestApplication
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static IDistributedApplicationBuilder CreateBuilder(CapturingLoggerProvider? logs = null, bool dashboard = false, params string[] args)
    {
        var directory = Directory.CreateTempSubdirectory("vllm-aspire-test-").FullName;
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Args = args,
            AppHostDirectory = directory,
            DisableDashboard = !dashboard,
        });
        builder.Configuration["AppHost:HealthChecks:HealthyIntervalSeconds"] = "1";
        builder.Configuration["Dashboard:Url"] = "http://127.0.0.1:0";
        builder.Services.AddLogging(l =>
        {
            l.SetMinimumLevel(LogLevel.Debug);
            if (logs is not null)
            {
                l.AddProvider(logs);
            }
        });
        return builder;
    }

    public static IResourceBuilder<ProjectResource> AddTestService(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddProject<Projects.TestService>(name).WithHttpEndpoint().WithHttpHealthCheck("/health");

    public static async Task<ResourceEvent> WaitForAsync(this DistributedApplication app, string name, Func<CustomResourceSnapshot, bool> predicate, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        try
        {
            return await app.ResourceNotifications.WaitForResourceAsync(name, e => predicate(e.Snapshot), cts.Token);
        }
        catch (OperationCanceledException)
        {
            app.ResourceNotifications.TryGetCurrentState(name, out var current);
            var logs = string.Join("\n", app.ResourceLogs.GetLines(name, 30).Select(l => l.Text));
            throw new TimeoutException($"Resource '{name}' did not reach the expected state; it is {current?.Snapshot.State} ({current?.Snapshot.HealthStatus}) {current?.Snapshot.StateMessage}\nLogs:\n{logs}");
        }
    }

    public static Task<ResourceEvent> WaitForHealthyAsync(this DistributedApplication app, string name, TimeSpan? timeout = null) =>
        app.WaitForAsync(name, s => s.State == KnownResourceStates.Running && s.HealthStatus == ResourceHealthStatus.Healthy, timeout);

    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null) where T : class
    {
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        while (true)
        {
            var value = await probe();
            if (value is not null)
            {
                return value;
            }

            if (cts.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(100);
        }
    }

    public static bool ProcessExists(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited && !File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2].Equals("Z", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
        {
            return false;
        }
    }
}
