using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Eventing;

/// <summary>Published the first time a resource is running and healthy.</summary>
/// <param name="Resource">The resource.</param>
/// <param name="Services">The application's services.</param>
public sealed record ResourceReadyEvent(IResource Resource, IServiceProvider Services) : IDistributedApplicationResourceEvent;
