namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>Prometheus scrapes every replica of this resource: <paramref name="Path"/> on endpoint <paramref name="EndpointName"/>.</summary>
/// <param name="Path">The metrics path.</param>
/// <param name="EndpointName">The endpoint.</param>
public sealed record PrometheusScrapeAnnotation(string Path = "/metrics", string EndpointName = "http") : IResourceAnnotation;
