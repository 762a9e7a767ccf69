using System.Collections.Concurrent;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace VllmAspire.Testing.Aspire;

/// <summary>
/// An application model started on Aspire's testing host (DCP runs every process) with a throw-away data folder
/// (<c>VllmAspire:DataDirectory</c>): the real AppHost, or a small model a test builds. It follows every resource's
/// latest snapshot, so tests wait on conditions over all replicas and a wait that times out says what every resource
/// was doing and what the awaited one last logged. Share one per test class (a fixture): an app costs seconds to start
/// and more to stop.
/// </summary>
public sealed class RunningApp : IAsyncDisposable
{
    /// <summary>How long a wait lasts unless told otherwise: generous, for a loaded 2-core machine.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(3);

    private readonly ConcurrentDictionary<string, ResourceEvent> _latest = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopWatching = new();
    private readonly SemaphoreSlim _changed = new(0);
    private Task _watch = Task.CompletedTask;

    private RunningApp(DistributedApplication app, string dataDirectory)
    {
        App = app;
        DataDirectory = dataDirectory;
    }

    /// <summary>Gets the started application.</summary>
    public DistributedApplication App { get; }

    /// <summary>Gets the app's own data folder (sample model, Prometheus's files, replica targets).</summary>
    public string DataDirectory { get; }

    /// <summary>Gets the application model.</summary>
    public DistributedApplicationModel Model => App.Services.GetRequiredService<DistributedApplicationModel>();

    /// <summary>Starts an AppHost project's model, e.g. <c>typeof(Projects.AppHost)</c>.</summary>
    /// <param name="appHost">The AppHost's generated project type.</param>
    /// <param name="args">Configuration, e.g. <c>--Autoscaling:SyncPeriod=00:00:02</c>.</param>
    /// <returns>The started app.</returns>
    public static Task<RunningApp> StartAsync(Type appHost, params string[] args) => StartAsync(appHost, new DistributedApplicationTestingBuilderOptions(), args);

    /// <summary>Starts an AppHost project's model with testing options, e.g. with Aspire's dashboard.</summary>
    /// <param name="appHost">The AppHost's generated project type.</param>
    /// <param name="options">The testing options (<see cref="DistributedApplicationTestingBuilderOptions.EnableDashboard"/>).</param>
    /// <param name="args">Configuration.</param>
    /// <returns>The started app.</returns>
    public static Task<RunningApp> StartAsync(Type appHost, DistributedApplicationTestingBuilderOptions options, params string[] args) =>
        StartAsync(async (dataArgs, cancellationToken) =>
            await DistributedApplicationTestingBuilder.CreateAsync(appHost, options, dataArgs, cancellationToken).ConfigureAwait(false), _ => { }, args);

    /// <summary>Builds and starts a small model of our integrations, without an AppHost project.</summary>
    /// <param name="model">Adds the resources.</param>
    /// <param name="args">Configuration.</param>
    /// <returns>The started app.</returns>
    public static Task<RunningApp> StartAsync(Action<IDistributedApplicationTestingBuilder> model, params string[] args) =>
        StartAsync(model, new DistributedApplicationTestingBuilderOptions(), args);

    /// <summary>Builds and starts a small model of our integrations with testing options, e.g. with Aspire's dashboard.</summary>
    /// <param name="model">Adds the resources.</param>
    /// <param name="options">The testing options (<see cref="DistributedApplicationTestingBuilderOptions.EnableDashboard"/>).</param>
    /// <param name="args">Configuration.</param>
    /// <returns>The started app.</returns>
    public static Task<RunningApp> StartAsync(Action<IDistributedApplicationTestingBuilder> model, DistributedApplicationTestingBuilderOptions options, params string[] args) =>
        StartAsync((dataArgs, _) => Task.FromResult(DistributedApplicationTestingBuilder.Create(options, dataArgs)), model, args);

    private static async Task<RunningApp> StartAsync(
        Func<string[], CancellationToken, Task<IDistributedApplicationTestingBuilder>> create,
        Action<IDistributedApplicationTestingBuilder> model,
        string[] args)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("vllm-aspire-test-").FullName;
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        var builder = await create([$"--VllmAspire:DataDirectory={dataDirectory}", .. args], timeout.Token).ConfigureAwait(false);
        model(builder);
        var app = await builder.BuildAsync(timeout.Token).ConfigureAwait(false);
        var running = new RunningApp(app, dataDirectory);
        running._watch = running.WatchAsync();
        try
        {
            await app.StartAsync(timeout.Token).ConfigureAwait(false);
        }
        catch
        {
            await running.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return running;
    }

    /// <summary>Gets the latest snapshot of every replica of a resource (one for a resource without replicas).</summary>
    /// <param name="resourceName">The resource's name.</param>
    /// <returns>The snapshots, ordered by replica id.</returns>
    public IReadOnlyList<ResourceEvent> Replicas(string resourceName) =>
        [.. _latest.Values.Where(e => e.Resource.Name == resourceName).OrderBy(e => e.ResourceId, StringComparer.Ordinal)];

    /// <summary>Gets the latest snapshot of every replica of every resource.</summary>
    public IReadOnlyList<ResourceEvent> All => [.. _latest.Values.OrderBy(e => e.ResourceId, StringComparer.Ordinal)];

    /// <summary>Waits until a condition over the latest snapshots holds; it is checked again at every resource update.</summary>
    /// <typeparam name="T">What the condition finds.</typeparam>
    /// <param name="condition">Returns what was awaited, or <see langword="null"/> while it is not there yet.</param>
    /// <param name="what">What is awaited, for the timeout's message.</param>
    /// <param name="timeout">How long; <see cref="DefaultTimeout"/> unless given.</param>
    /// <returns>What the condition found.</returns>
    public async Task<T> WaitUntilAsync<T>(Func<RunningApp, T?> condition, string what, TimeSpan? timeout = null) where T : class
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            if (condition(this) is { } found)
            {
                return found;
            }

            try
            {
                // Also look again now and then: a condition may read more than snapshots.
                await _changed.WaitAsync(TimeSpan.FromSeconds(1), cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Timed out after {timeout ?? DefaultTimeout} waiting for {what}.\n{await DescribeAsync().ConfigureAwait(false)}");
            }
        }
    }

    /// <summary>Waits until a condition over the latest snapshots holds; it is checked again at every resource update.</summary>
    /// <param name="condition">The condition.</param>
    /// <param name="what">What is awaited, for the timeout's message.</param>
    /// <param name="timeout">How long; <see cref="DefaultTimeout"/> unless given.</param>
    /// <returns>A task.</returns>
    public Task WaitUntilAsync(Func<RunningApp, bool> condition, string what, TimeSpan? timeout = null) =>
        WaitUntilAsync(app => condition(app) ? app : null, what, timeout);

    /// <summary>
    /// Waits until a probe outside the snapshots (an HTTP API, a file) says yes, asking again every half second; a probe
    /// that throws an HTTP or I/O error counts as no.
    /// </summary>
    /// <param name="probe">The probe.</param>
    /// <param name="what">What is awaited, for the timeout's message.</param>
    /// <param name="timeout">How long; <see cref="DefaultTimeout"/> unless given.</param>
    /// <returns>A task.</returns>
    public async Task WaitUntilAsync(Func<Task<bool>> probe, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await probe().ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or System.Text.Json.JsonException)
            {
                last = e;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500)).ConfigureAwait(false);
        }

        throw new TimeoutException($"Timed out after {timeout ?? DefaultTimeout} waiting for {what}.{(last is null ? "" : $" Last error: {last.Message}")}\n{await DescribeAsync().ConfigureAwait(false)}");
    }

    /// <summary>Waits until some replica of a resource matches.</summary>
    /// <param name="resourceName">The resource's name.</param>
    /// <param name="predicate">The condition on a replica's snapshot.</param>
    /// <param name="what">What is awaited, for the timeout's message.</param>
    /// <param name="timeout">How long; <see cref="DefaultTimeout"/> unless given.</param>
    /// <returns>The matching replica's snapshot.</returns>
    public Task<ResourceEvent> WaitForAsync(string resourceName, Func<CustomResourceSnapshot, bool> predicate, string what, TimeSpan? timeout = null) =>
        WaitUntilAsync(app => app.Replicas(resourceName).FirstOrDefault(e => predicate(e.Snapshot)), $"{resourceName}: {what}", timeout);

    /// <summary>Waits until some replica of a resource is Running and Healthy.</summary>
    /// <param name="resourceName">The resource's name.</param>
    /// <param name="timeout">How long; <see cref="DefaultTimeout"/> unless given.</param>
    /// <returns>The healthy replica's snapshot.</returns>
    public Task<ResourceEvent> WaitForHealthyAsync(string resourceName, TimeSpan? timeout = null) =>
        WaitForAsync(resourceName, IsHealthy, "Running and Healthy", timeout);

    /// <summary>Gets whether a snapshot is Running and Healthy.</summary>
    /// <param name="snapshot">The snapshot.</param>
    /// <returns>Whether it is.</returns>
    public static bool IsHealthy(CustomResourceSnapshot snapshot) =>
        snapshot.State?.Text == KnownResourceStates.Running && snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy;

    /// <summary>Gets the console log a resource (or one replica, by its id) has written so far.</summary>
    /// <param name="resourceNameOrId">The resource's name, or a replica's id.</param>
    /// <returns>The lines.</returns>
    public async Task<IReadOnlyList<string>> LogsAsync(string resourceNameOrId)
    {
        var lines = new List<string>();
        await foreach (var batch in App.Services.GetRequiredService<ResourceLoggerService>().GetAllAsync(resourceNameOrId).ConfigureAwait(false))
        {
            lines.AddRange(batch.Select(l => l.Content));
        }

        return lines;
    }

    /// <summary>Says what every resource is doing, with the last lines each one logged: for failure messages.</summary>
    /// <returns>The description.</returns>
    public async Task<string> DescribeAsync()
    {
        var text = new StringBuilder("Resources:\n");
        foreach (var e in All)
        {
            text.Append("  ").Append(e.ResourceId).Append(": ").Append(e.Snapshot.State?.Text).Append(' ').Append(e.Snapshot.HealthStatus)
                .Append(' ').AppendLine(string.Join(", ", e.Snapshot.Properties.Where(p => p.Name.StartsWith("hpa.", StringComparison.Ordinal)).Select(p => $"{p.Name}={p.Value}")));
            foreach (var line in (await LogsAsync(e.ResourceId).ConfigureAwait(false)).TakeLast(8))
            {
                text.Append("    | ").AppendLine(line);
            }
        }

        return text.ToString();
    }

    /// <summary>Stops the app (DCP ends every process) and deletes its data folder.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        await _stopWatching.CancelAsync().ConfigureAwait(false);
        await _watch.ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
        _stopWatching.Dispose();
        _changed.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a process DCP is still ending may hold a file for a moment.
        }
    }

    private async Task WatchAsync()
    {
        try
        {
            await foreach (var e in App.ResourceNotifications.WatchAsync(_stopWatching.Token).ConfigureAwait(false))
            {
                _latest[e.ResourceId] = e;
                _changed.Release();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
