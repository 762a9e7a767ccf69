using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Eventing;

/// <summary>A lifecycle event about one resource.</summary>
public interface IDistributedApplicationResourceEvent : IDistributedApplicationEvent
{
    /// <summary>Gets the resource.</summary>
    IResource Resource { get; }
}
