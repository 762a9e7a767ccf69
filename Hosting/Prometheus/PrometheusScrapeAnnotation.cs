namespace Aspire.Hosting.ApplicationModel;

/// <summary>Prometheus scrapes every replica of this resource: <paramref name="Path"/> on endpoint <paramref name="EndpointName"/>.</summary>
/// <param name="Path">The metrics path.</param>
/// <param name="EndpointName">The endpoint.</param>
/// <param name="PortEnvironmentVariable">
/// The environment variable that carries each replica's own port, for resources whose replicas share one proxied
/// endpoint; without it the endpoint's URL is scraped (one replica).
/// </param>
public sealed record PrometheusScrapeAnnotation(string Path = "/metrics", string EndpointName = "http", string? PortEnvironmentVariable = null) : IResourceAnnotation;
