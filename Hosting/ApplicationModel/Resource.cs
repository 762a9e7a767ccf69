using System.Diagnostics;

namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>Base class of resources: a validated name and its annotations.</summary>
[DebuggerDisplay("Type = {GetType().Name,nq}, Name = {Name}")]
public abstract class Resource : IResource
{
    /// <summary>Initializes a new resource.</summary>
    /// <param name="name">The resource name; see <see cref="ResourceName.Validate(string)"/> for the rules.</param>
    protected Resource(string name)
    {
        ResourceName.Validate(name);
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public ResourceAnnotationCollection Annotations { get; } = [];

    /// <inheritdoc />
    public override string ToString() => Name;
}
