namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>A .NET project, built once and run from its build output.</summary>
/// <param name="name">The resource name.</param>
/// <param name="metadata">Where the project and its output are.</param>
public class ProjectResource(string name, IProjectMetadata metadata)
    : Resource(name), IResourceWithEnvironment, IResourceWithArgs, IResourceWithServiceDiscovery, IResourceWithWaitSupport
{
    /// <summary>Gets where the project and its output are.</summary>
    public IProjectMetadata Metadata { get; } = metadata ?? throw new ArgumentNullException(nameof(metadata));
}
