using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting;

/// <summary>The conventions our own ServiceDefaults-based services share when they join a model.</summary>
internal static class ServiceResourceBuilderExtensions
{
    /// <summary>
    /// Adds the secret parameter <c>{serviceName}-api-token</c> that the service's API requires: generated fresh for
    /// each run and never saved, unless configured (<c>Parameters:{serviceName}-api-token</c>).
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="serviceName">The service's resource name.</param>
    /// <returns>The parameter.</returns>
    public static IResourceBuilder<ParameterResource> AddApiToken(this IDistributedApplicationBuilder builder, string serviceName) =>
        builder.AddParameter($"{serviceName}-api-token", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: false);

    /// <summary>
    /// Adds one of our own service projects: its metadata and Aspire's project defaults (OTLP, console logs), an HTTP
    /// endpoint on loopback, the <c>/health</c> check and Prometheus scraping of <c>/metrics</c>.
    /// </summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="project">The service's project metadata.</param>
    /// <returns>The builder.</returns>
    public static IResourceBuilder<T> WithServiceProject<T>(this IResourceBuilder<T> builder, IProjectMetadata project) where T : ProjectResource =>
        builder.WithAnnotation(project)
            .WithProjectDefaults(new ProjectResourceOptions { ExcludeLaunchProfile = true, ExcludeKestrelEndpoints = true })
            .WithHttpEndpoint(name: "http")
            .WithHttpHealthCheck("/health", endpointName: "http")
            .WithAnnotation(new PrometheusScrapeAnnotation());
}
