namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>A resource whose process receives environment variables.</summary>
public interface IResourceWithEnvironment : IResource;
