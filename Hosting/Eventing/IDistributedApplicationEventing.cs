namespace VllmAspire.Hosting.Eventing;

/// <summary>Publishes lifecycle events to subscribers, which run in order and block the publisher (as in Aspire).</summary>
public interface IDistributedApplicationEventing
{
    /// <summary>Subscribes to every event of a type.</summary>
    /// <typeparam name="T">The event type.</typeparam>
    /// <param name="handler">The handler.</param>
    void Subscribe<T>(Func<T, CancellationToken, Task> handler) where T : IDistributedApplicationEvent;

    /// <summary>Subscribes to events of a type about one resource.</summary>
    /// <typeparam name="T">The event type.</typeparam>
    /// <param name="resource">The resource.</param>
    /// <param name="handler">The handler.</param>
    void Subscribe<T>(ApplicationModel.IResource resource, Func<T, CancellationToken, Task> handler) where T : IDistributedApplicationResourceEvent;

    /// <summary>Publishes an event and waits for every handler.</summary>
    /// <typeparam name="T">The event type.</typeparam>
    /// <param name="event">The event.</param>
    /// <param name="cancellationToken">Cancels the handlers.</param>
    /// <returns>A task that completes when every handler has.</returns>
    Task PublishAsync<T>(T @event, CancellationToken cancellationToken = default) where T : IDistributedApplicationEvent;
}
