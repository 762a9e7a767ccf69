namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>The resources of the application, in the order they were added.</summary>
/// <param name="resources">The resources.</param>
public sealed class DistributedApplicationModel(IReadOnlyList<IResource> resources)
{
    /// <summary>Gets the resources.</summary>
    public IReadOnlyList<IResource> Resources { get; } = resources;

    /// <summary>Finds a resource by name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The resource, or <see langword="null"/>.</returns>
    public IResource? Find(string name) => Resources.FirstOrDefault(r => r.Name == name);
}
