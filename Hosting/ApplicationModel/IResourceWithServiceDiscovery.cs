namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>A resource whose endpoints other resources find by name through service discovery (<c>http://name</c>).</summary>
public interface IResourceWithServiceDiscovery : IResourceWithEndpoints;
