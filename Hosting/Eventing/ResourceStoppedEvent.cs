using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Eventing;

/// <summary>Published when every replica of a resource has stopped.</summary>
/// <param name="Resource">The resource.</param>
/// <param name="Services">The application's services.</param>
public sealed record ResourceStoppedEvent(IResource Resource, IServiceProvider Services) : IDistributedApplicationResourceEvent;
