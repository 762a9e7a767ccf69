using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting;

/// <summary>Adds the custom-metrics adapter to the model.</summary>
public static class MetricsAdapterBuilderExtensions
{
    /// <summary>Adds the metrics adapter (MetricsAdapterShim): <c>custom.metrics.k8s.io</c> from vLLM's metrics.</summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<MetricsAdapterResource> AddMetricsAdapter(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddResource(new MetricsAdapterResource(name, new KnownProjects.MetricsAdapterShim()))
            .WithProjectDefaults()
            .WithHttpEndpoint()
            .WithHttpHealthCheck("/health")
            .WithAnnotation(new PrometheusScrapeAnnotation());
    }
}
