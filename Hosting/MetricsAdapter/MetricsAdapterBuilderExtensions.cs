using Aspire.Hosting.ApplicationModel;
using VllmAspire.Hosting;
using VllmAspire.Hosting.Autoscaling;
using VllmAspire.Hosting.Replicas;
using VllmAspire.Hosting.ServiceProjects;

namespace Aspire.Hosting;

/// <summary>Adds the custom-metrics adapter to the application model.</summary>
public static class MetricsAdapterBuilderExtensions
{
    /// <summary>
    /// Adds the metrics adapter (MetricsAdapterShim): Kubernetes' <c>custom.metrics.k8s.io</c> API from vLLM's metrics.
    /// Locally it binds loopback, requires the secret token <c>{name}-api-token</c> (generated per run unless
    /// configured), and lists its pods (the running replicas of every vLLM resource and every autoscaled resource) from
    /// the same replica files Prometheus scrapes from; the AppHost runs the HPA algorithm against it for each resource
    /// with <c>WithAutoscaling</c>. Published, it is the adapter the GKE environment installs.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    /// <example>
    /// <code lang="csharp">
    /// var prometheus = builder.AddPrometheus("prometheus");
    /// builder.AddMetricsAdapter("metrics-adapter").WithReference(prometheus).WithReference(vllm);
    /// </code>
    /// </example>
    public static IResourceBuilder<MetricsAdapterResource> AddMetricsAdapter(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var token = builder.AddLocalSecret($"{name}-api-token");
        var adapter = new MetricsAdapterResource(name, token);
        var targets = ReplicaTargets.AddWriter(builder);
        AutoscalingServices.Add(builder);
        return builder.AddResource(adapter)
            .WithServiceProject(new MetricsAdapterShimProject())
            .WithIconName("DataTrending")
            .WithLocalSecret("MetricsAdapter__Token", token)
            .WithEnvironment(context =>
            {
                if (!context.ExecutionContext.IsRunMode)
                {
                    return;
                }

                // Its pods: the replicas of the resources the local autoscaler may ask about.
                context.EnvironmentVariables["MetricsAdapter__PodSource"] = "file";
                var pods = builder.Resources.Where(r => r is VllmResource || r.TryGetLastAnnotation<AutoscalingAnnotation>(out _)).Distinct().ToList();
                for (var i = 0; i < pods.Count; i++)
                {
                    context.EnvironmentVariables[$"MetricsAdapter__TargetFiles__{i}"] = ReplicaTargets.File(targets, pods[i]);
                }
            });
    }

    /// <summary>
    /// Lets the adapter read metrics through Prometheus (<c>MetricsAdapter:MetricSource=prometheus</c>) instead of
    /// scraping each pod: it gets Prometheus's URL and this run's basic-auth credentials, the password as the secret parameter.
    /// </summary>
    /// <param name="builder">The adapter.</param>
    /// <param name="prometheus">The Prometheus resource.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<MetricsAdapterResource> WithReference(this IResourceBuilder<MetricsAdapterResource> builder, IResourceBuilder<PrometheusResource> prometheus)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(prometheus);
        var endpoint = prometheus.Resource.HttpEndpoint;
        return builder
            .WithRelationship(prometheus.Resource, "Reference")
            .WithEnvironment("MetricsAdapter__PrometheusUrl", endpoint)
            .WithEnvironment("MetricsAdapter__PrometheusUserName", PrometheusResource.UserName)
            // The parameter itself, not a string built from it: the dashboard then masks it as the secret it is.
            .WithLocalSecret("MetricsAdapter__PrometheusPassword", prometheus.Resource.Password);
    }
}
