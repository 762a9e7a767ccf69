namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>A resource of the distributed application: something that runs locally and is published to the cloud.</summary>
public interface IResource
{
    /// <summary>Gets the resource's name, unique within the application.</summary>
    string Name { get; }

    /// <summary>Gets the annotations that carry the resource's configuration and behaviour.</summary>
    ResourceAnnotationCollection Annotations { get; }
}
