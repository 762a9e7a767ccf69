using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Eventing;

/// <summary>Published once before any resource starts: the last chance to change the model.</summary>
/// <param name="Services">The application's services.</param>
/// <param name="Model">The model.</param>
public sealed record BeforeStartEvent(IServiceProvider Services, DistributedApplicationModel Model) : IDistributedApplicationEvent;
