using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Eventing;

/// <summary>Published after a resource's endpoints are allocated and its dependencies are ready, just before its processes start.</summary>
/// <param name="Resource">The resource.</param>
/// <param name="Services">The application's services.</param>
public sealed record BeforeResourceStartedEvent(IResource Resource, IServiceProvider Services) : IDistributedApplicationResourceEvent;
