using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Eventing;

/// <summary>The in-process implementation of <see cref="IDistributedApplicationEventing"/>.</summary>
public sealed class DistributedApplicationEventing : IDistributedApplicationEventing
{
    private readonly Lock _lock = new();
    private readonly List<(Type Type, IResource? Resource, Func<object, CancellationToken, Task> Handler)> _subscriptions = [];

    /// <inheritdoc />
    public void Subscribe<T>(Func<T, CancellationToken, Task> handler) where T : IDistributedApplicationEvent
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_lock)
        {
            _subscriptions.Add((typeof(T), null, (e, ct) => handler((T)e, ct)));
        }
    }

    /// <inheritdoc />
    public void Subscribe<T>(IResource resource, Func<T, CancellationToken, Task> handler) where T : IDistributedApplicationResourceEvent
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(handler);
        lock (_lock)
        {
            _subscriptions.Add((typeof(T), resource, (e, ct) => handler((T)e, ct)));
        }
    }

    /// <inheritdoc />
    public async Task PublishAsync<T>(T @event, CancellationToken cancellationToken = default) where T : IDistributedApplicationEvent
    {
        ArgumentNullException.ThrowIfNull(@event);
        List<Func<object, CancellationToken, Task>> handlers;
        lock (_lock)
        {
            var target = (@event as IDistributedApplicationResourceEvent)?.Resource;
            handlers = [.. _subscriptions
                .Where(s => s.Type == typeof(T) && (s.Resource is null || ReferenceEquals(s.Resource, target)))
                .Select(s => s.Handler)];
        }

        foreach (var handler in handlers)
        {
            await handler(@event, cancellationToken).ConfigureAwait(false);
        }
    }
}
