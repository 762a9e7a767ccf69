using System.Security.Cryptography;
using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting;

/// <summary>The conventions our own ServiceDefaults-based services share when they join a model.</summary>
internal static class ServiceResourceBuilderExtensions
{
    /// <summary>
    /// Adds the secret parameter <c>{serviceName}-api-token</c> that the service's API requires: generated fresh for
    /// each run unless configured (<c>Parameters:{serviceName}-api-token</c>).
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddApiToken(this IDistributedApplicationBuilder builder, string serviceName) =>
        builder.AddParameter($"{serviceName}-api-token", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), secret: true);

    /// <summary>
    /// Gives a project that calls <c>AddServiceDefaults()</c>/<c>MapDefaultEndpoints()</c> its run-mode environment, an
    /// HTTP endpoint, the <c>/health</c> check and Prometheus scraping of <c>/metrics</c>.
    /// </summary>
    public static IResourceBuilder<T> WithServiceDefaultsEndpoints<T>(this IResourceBuilder<T> builder) where T : ProjectResource =>
        builder.WithProjectDefaults()
            .WithHttpEndpoint()
            .WithHttpHealthCheck("/health")
            .WithAnnotation(new PrometheusScrapeAnnotation());
}
