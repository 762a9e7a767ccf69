using System.Net.Http.Headers;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using VllmAspire.Hosting;
using VllmAspire.Hosting.Prometheus;
using VllmAspire.Hosting.Replicas;

namespace Aspire.Hosting;

/// <summary>Adds Prometheus to the application model.</summary>
public static class PrometheusBuilderExtensions
{
    /// <summary>The command that installs Prometheus on Debian and Ubuntu.</summary>
    public const string InstallCommand = "sudo apt-get install -y prometheus";

    /// <summary>
    /// Adds Prometheus, scraping every replica of every resource with a <see cref="PrometheusScrapeAnnotation"/> on its
    /// own port. Locally it runs the <c>prometheus</c> binary from PATH on loopback, its HTTP API and UI behind basic
    /// auth (user <see cref="PrometheusResource.UserName"/>, password the secret parameter <c>{name}-password</c>,
    /// generated per run unless configured); when the binary is missing the resource's log says how to install it and
    /// the rest of the application runs on. Its URLs link to query pages for vLLM's queue, latency and KV cache.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    /// <example>
    /// <code lang="csharp">
    /// var prometheus = builder.AddPrometheus("prometheus");
    /// builder.AddMetricsAdapter("metrics-adapter").WithReference(prometheus);
    /// </code>
    /// </example>
    public static IResourceBuilder<PrometheusResource> AddPrometheus(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var password = builder.AddLocalSecret($"{name}-password");
        var prometheus = new PrometheusResource(name, Path.Combine(LocalDataDirectory.Get(builder), name), password)
        {
            TargetsDirectory = ReplicaTargets.AddWriter(builder),
        };
        var healthCheckKey = $"{name}_ready_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthCheckKey,
            services => new PrometheusReadyHealthCheck(prometheus, services.GetRequiredService<IHttpClientFactory>()), failureStatus: null, tags: null));

        var resourceBuilder = builder.AddResource(prometheus)
            .WithHttpEndpoint(name: PrometheusResource.HttpEndpointName)
            .WithHealthCheck(healthCheckKey)
            .WithIconName("ChartMultiple")
            .WithArgs(
                $"--config.file={prometheus.ConfigPath}",
                $"--web.config.file={prometheus.WebConfigPath}",
                $"--storage.tsdb.path={prometheus.DataPath}",
                "--storage.tsdb.retention.time=1d",
                ReferenceExpression.Create($"--web.listen-address=127.0.0.1:{prometheus.HttpEndpoint.Property(EndpointProperty.TargetPort)}"))
            .WithUrls(context => PrometheusQueryLinks.Add(prometheus, context))
            .OnBeforeResourceStarted(async (resource, e, cancellationToken) =>
            {
                if (PrometheusConfigWriter.FindOnPath(resource.Command) is null)
                {
                    e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(resource).LogError(
                        "The '{Command}' binary is not on PATH: install it ({Install}) and restart the AppHost. Everything else runs without it.",
                        resource.Command, InstallCommand);
                }

                var model = e.Services.GetRequiredService<DistributedApplicationModel>();
                PrometheusConfigWriter.WriteConfig(resource, model.Resources.Where(r => r.TryGetLastAnnotation<PrometheusScrapeAnnotation>(out _)));
                PrometheusConfigWriter.WriteWebConfig(resource, await resource.Password.GetValueAsync(cancellationToken).ConfigureAwait(false));
            });
        return resourceBuilder;
    }

    /// <summary>Sets how often Prometheus scrapes its targets locally.</summary>
    /// <param name="builder">The resource builder.</param>
    /// <param name="interval">The interval, at least one second.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<PrometheusResource> WithScrapeInterval(this IResourceBuilder<PrometheusResource> builder, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.FromSeconds(1));
        builder.Resource.ScrapeInterval = interval;
        return builder;
    }

    /// <summary>Gets the <c>Authorization</c> header every client of a local Prometheus sends.</summary>
    /// <param name="prometheus">The Prometheus resource.</param>
    /// <param name="cancellationToken">Cancels reading the password.</param>
    /// <returns>Basic credentials.</returns>
    internal static async Task<AuthenticationHeaderValue> GetAuthorizationAsync(this PrometheusResource prometheus, CancellationToken cancellationToken)
    {
        var password = await prometheus.Password.GetValueAsync(cancellationToken).ConfigureAwait(false);
        return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{PrometheusResource.UserName}:{password}")));
    }
}
