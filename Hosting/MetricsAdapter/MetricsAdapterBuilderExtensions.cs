using Microsoft.Extensions.DependencyInjection;
using VllmAspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Autoscaling;
using VllmAspire.Hosting.Dashboard;
using VllmAspire.Hosting.Eventing;

namespace VllmAspire.Hosting;

/// <summary>Adds the custom-metrics adapter to the model.</summary>
public static class MetricsAdapterBuilderExtensions
{
    /// <summary>
    /// Adds the metrics adapter (MetricsAdapterShim): <c>custom.metrics.k8s.io</c> from vLLM's metrics. Locally it
    /// binds loopback, requires the secret token <c>{name}-api-token</c> (generated per run), and learns the pods
    /// (every replica of the vLLM resources and of the resources with autoscaling) from the dashboard's API; the
    /// AppHost runs the HPA algorithm against it for each resource with <c>WithAutoscaling</c>.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<MetricsAdapterResource> AddMetricsAdapter(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var token = builder.AddApiToken(name);
        var adapter = new MetricsAdapterResource(name, new KnownProjects.MetricsAdapterShim()) { ApiToken = token.Resource };

        // The dashboard exists only once the host runs; its URL and token reach the shim as deferred values.
        IServiceProvider? services = null;
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            services = e.Services;
            return Task.CompletedTask;
        });
        var dashboardToken = new ParameterResource($"{name}-dashboard-token", () => services?.GetService<DashboardServer>()?.Token.Value, secret: true);

        var resourceBuilder = builder.AddResource(adapter)
            .WithServiceDefaultsEndpoints()
            .WithEnvironment("MetricsAdapter__Token", token)
            .WithEnvironment(context =>
            {
                if (!context.ExecutionContext.IsRunMode || services?.GetService<DashboardServer>()?.Url is not { } url)
                {
                    return;
                }

                context.EnvironmentVariables["MetricsAdapter__PodSource"] = "apphost";
                context.EnvironmentVariables["MetricsAdapter__AppHost__Url"] = url.ToString();
                context.EnvironmentVariables["MetricsAdapter__AppHost__Token"] = dashboardToken;
                // Referenced Prometheus: its URL with this run's basic-auth credentials (masked as the secret they carry),
                // for the shim's Prometheus source (MetricsAdapter:MetricSource=prometheus).
                if (adapter.Annotations.OfType<ResourceRelationshipAnnotation>().FirstOrDefault(r => r.Type == "Reference" && r.Resource is PrometheusResource)?.Resource
                    is PrometheusResource { Password: { } password } prometheus)
                {
                    var endpoint = new EndpointReference(prometheus, PrometheusResource.HttpEndpointName);
                    context.EnvironmentVariables["MetricsAdapter__PrometheusUrl"] = ReferenceExpression.Create(
                        $"http://{PrometheusResource.UserName}:{password}@{endpoint.Property(EndpointProperty.HostAndPort)}");
                }

                var pods = builder.Resources.Where(r => r is VllmResource || r.Annotations.OfType<AutoscalingAnnotation>().Any()).Select(r => r.Name).Distinct().ToList();
                for (var i = 0; i < pods.Count; i++)
                {
                    context.EnvironmentVariables[$"MetricsAdapter__AppHost__Resources__{i}"] = pods[i];
                }
            });

        AutoscalingServices.Add(builder);
        return resourceBuilder;
    }
}
