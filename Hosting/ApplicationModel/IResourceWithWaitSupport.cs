namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>A resource that can wait for other resources before it starts.</summary>
public interface IResourceWithWaitSupport : IResource;
