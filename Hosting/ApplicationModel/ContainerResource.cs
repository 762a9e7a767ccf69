namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>A container image, run through docker or podman when an engine answers.</summary>
/// <param name="name">The resource name.</param>
public class ContainerResource(string name)
    : Resource(name), IResourceWithEnvironment, IResourceWithArgs, IResourceWithServiceDiscovery, IResourceWithWaitSupport;
