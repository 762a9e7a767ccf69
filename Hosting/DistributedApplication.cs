using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VllmAspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Cli;

namespace VllmAspire.Hosting;

/// <summary>
/// A built application model. <see cref="Run"/> dispatches the command line's verb: <c>run</c> (the default)
/// starts every resource and the dashboard; other verbs publish or deploy the same model.
/// </summary>
public sealed class DistributedApplication : IHost, IAsyncDisposable
{
    private readonly IHost _host;
    private readonly string[] _args;
    private int _running;

    internal DistributedApplication(IHost host, string[] args)
    {
        _host = host;
        _args = args;
    }

    /// <inheritdoc />
    public IServiceProvider Services => _host.Services;

    /// <summary>Gets the resource states and their changes.</summary>
    public ResourceNotificationService ResourceNotifications => Services.GetRequiredService<ResourceNotificationService>();

    /// <summary>Gets every resource's console output.</summary>
    public ResourceLoggerService ResourceLogs => Services.GetRequiredService<ResourceLoggerService>();

    /// <summary>Gets the model.</summary>
    public DistributedApplicationModel Model => Services.GetRequiredService<DistributedApplicationModel>();

    /// <summary>Creates a builder from command-line arguments.</summary>
    /// <param name="args">The AppHost's arguments: an optional verb and its options.</param>
    /// <returns>The builder.</returns>
    public static IDistributedApplicationBuilder CreateBuilder(string[] args) =>
        new DistributedApplicationBuilder(new DistributedApplicationOptions { Args = args ?? [] });

    /// <summary>Creates a builder from options.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The builder.</returns>
    public static IDistributedApplicationBuilder CreateBuilder(DistributedApplicationOptions options) =>
        new DistributedApplicationBuilder(options);

    /// <summary>Runs the verb the command line names and sets the process exit code.</summary>
    public void Run() => RunAsync().GetAwaiter().GetResult();

    /// <summary>Runs the verb the command line names and sets the process exit code.</summary>
    /// <param name="cancellationToken">Stops the verb.</param>
    /// <returns>A task that completes when the verb has finished.</returns>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        Environment.ExitCode = await AppHostCommandLine.InvokeAsync(this, _args, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts every resource (run mode) and returns once they have been launched.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the host has started.</returns>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Exchange(ref _running, 1);
        return _host.StartAsync(cancellationToken);
    }

    /// <summary>Stops every resource and the dashboard.</summary>
    /// <param name="cancellationToken">Shortens the graceful stop.</param>
    /// <returns>A task that completes when everything has stopped.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default) =>
        Interlocked.Exchange(ref _running, 0) == 1 ? _host.StopAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>Gets the URL clients use for a resource's endpoint, once the application has started.</summary>
    /// <param name="resourceName">The resource.</param>
    /// <param name="endpointName">The endpoint; the first one when omitted.</param>
    /// <returns>The URL.</returns>
    public Uri GetEndpoint(string resourceName, string? endpointName = null)
    {
        var resource = Model.Find(resourceName) ?? throw new ArgumentException($"No resource named '{resourceName}'.", nameof(resourceName));
        var endpoint = resource.GetEndpoints().FirstOrDefault(e => endpointName is null || e.Name == endpointName)
            ?? throw new ArgumentException($"Resource '{resourceName}' has no endpoint '{endpointName}'.", nameof(endpointName));
        return new Uri(endpoint.AllocatedEndpoint?.UriString
            ?? throw new InvalidOperationException($"Endpoint '{endpoint.Name}' of '{resourceName}' is not allocated yet; start the application first."));
    }

    /// <summary>Stops what is still running (no child process outlives the application), then releases the host.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Stops what is still running (no child process outlives the application), then releases the host.</summary>
    /// <returns>A task that completes when everything has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (_host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            _host.Dispose();
        }
    }

    /// <summary>Runs the host until Ctrl+C, SIGTERM or cancellation.</summary>
    internal Task RunHostAsync(CancellationToken cancellationToken) => _host.RunAsync(cancellationToken);
}
