using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>Holds every resource's current snapshot and tells watchers about each change.</summary>
public sealed class ResourceNotificationService
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ResourceEvent> _current = new(StringComparer.Ordinal);
    private readonly List<Channel<ResourceEvent>> _watchers = [];

    /// <summary>Registers a resource with its first snapshot.</summary>
    /// <param name="resource">The resource.</param>
    /// <param name="snapshot">The initial snapshot.</param>
    public void Register(IResource resource, CustomResourceSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(resource);
        Publish(new ResourceEvent(resource, snapshot));
    }

    /// <summary>Applies an update to a resource's snapshot and tells every watcher.</summary>
    /// <param name="resource">The resource.</param>
    /// <param name="update">Computes the new snapshot from the current one.</param>
    /// <returns>A completed task.</returns>
    public Task PublishUpdateAsync(IResource resource, Func<CustomResourceSnapshot, CustomResourceSnapshot> update)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(update);
        lock (_lock)
        {
            var current = _current.TryGetValue(resource.Name, out var existing)
                ? existing.Snapshot
                : new CustomResourceSnapshot { ResourceType = ResourceTypeName(resource) };
            Publish(new ResourceEvent(resource, update(current)));
        }

        return Task.CompletedTask;
    }

    /// <summary>Gets a resource's current state.</summary>
    /// <param name="resourceName">The resource name.</param>
    /// <param name="resourceEvent">The current state, when the resource is known.</param>
    /// <returns>Whether the resource is known.</returns>
    public bool TryGetCurrentState(string resourceName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ResourceEvent? resourceEvent)
    {
        lock (_lock)
        {
            return _current.TryGetValue(resourceName, out resourceEvent);
        }
    }

    /// <summary>Gets every resource's current state, in registration order.</summary>
    /// <returns>The current states.</returns>
    public IReadOnlyList<ResourceEvent> GetCurrentStates()
    {
        lock (_lock)
        {
            return [.. _current.Values];
        }
    }

    /// <summary>Streams the current state of every resource, then each change, until cancelled.</summary>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The events.</returns>
    public async IAsyncEnumerable<ResourceEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<ResourceEvent>(new UnboundedChannelOptions { SingleReader = true });
        lock (_lock)
        {
            foreach (var state in _current.Values)
            {
                channel.Writer.TryWrite(state);
            }

            _watchers.Add(channel);
        }

        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }
        }
        finally
        {
            lock (_lock)
            {
                _watchers.Remove(channel);
            }
        }
    }

    /// <summary>Waits until a resource's state satisfies a predicate.</summary>
    /// <param name="resourceName">The resource name.</param>
    /// <param name="predicate">The condition.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The first event that satisfied the predicate.</returns>
    public async Task<ResourceEvent> WaitForResourceAsync(string resourceName, Func<ResourceEvent, bool> predicate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        await foreach (var item in WatchAsync(cancellationToken).ConfigureAwait(false))
        {
            if (item.Resource.Name == resourceName && predicate(item))
            {
                return item;
            }
        }

        throw new OperationCanceledException(cancellationToken);
    }

    /// <summary>Waits until a resource reaches one of the given states.</summary>
    /// <param name="resourceName">The resource name.</param>
    /// <param name="targetState">The state to wait for.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The event.</returns>
    public Task<ResourceEvent> WaitForResourceAsync(string resourceName, string targetState, CancellationToken cancellationToken = default) =>
        WaitForResourceAsync(resourceName, e => e.Snapshot.State == targetState, cancellationToken);

    /// <summary>Waits until a resource is running and healthy.</summary>
    /// <param name="resourceName">The resource name.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The event.</returns>
    public Task<ResourceEvent> WaitForResourceHealthyAsync(string resourceName, CancellationToken cancellationToken = default) =>
        WaitForResourceAsync(resourceName, IsHealthy, cancellationToken);

    /// <summary>Gets whether an event shows a running, healthy resource.</summary>
    /// <param name="resourceEvent">The event.</param>
    /// <returns>Whether it is running and healthy.</returns>
    public static bool IsHealthy(ResourceEvent resourceEvent) =>
        resourceEvent.Snapshot.State is KnownResourceStates.Running or KnownResourceStates.Active
        && resourceEvent.Snapshot.HealthStatus == ResourceHealthStatus.Healthy;

    /// <summary>Gets the type name shown for a resource: its class name without the <c>Resource</c> suffix.</summary>
    /// <param name="resource">The resource.</param>
    /// <returns>The type name.</returns>
    public static string ResourceTypeName(IResource resource)
    {
        var name = resource.GetType().Name;
        return name.EndsWith("Resource", StringComparison.Ordinal) && name.Length > "Resource".Length ? name[..^"Resource".Length] : name;
    }

    private void Publish(ResourceEvent resourceEvent)
    {
        lock (_lock)
        {
            _current[resourceEvent.Resource.Name] = resourceEvent;
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(resourceEvent);
            }
        }
    }
}
