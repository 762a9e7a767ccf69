using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using VllmAspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Eventing;
using VllmAspire.Hosting.Prometheus;

namespace VllmAspire.Hosting;

/// <summary>Adds Prometheus to the model.</summary>
public static class PrometheusBuilderExtensions
{
    /// <summary>The command that installs Prometheus on Debian and Ubuntu.</summary>
    public const string InstallCommand = "sudo apt-get install -y prometheus";

    /// <summary>
    /// Adds Prometheus, scraping every replica of every resource with a <see cref="PrometheusScrapeAnnotation"/>.
    /// Locally it runs the <c>prometheus</c> binary from PATH, its HTTP API behind basic auth (user
    /// <see cref="PrometheusResource.UserName"/>, the secret parameter <c>{name}-password</c>, generated per run); when that is missing the resource says how to install it
    /// and the rest of the application runs on.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<PrometheusResource> AddPrometheus(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var dataDirectory = builder is DistributedApplicationBuilder concrete ? concrete.DataDirectory : Path.Combine(builder.AppHostDirectory, ".vllm-aspire");
        // Every local API needs a credential: Prometheus's (queries, UI, /-/ready) takes basic auth from its web config.
        var password = builder.AddParameter($"{name}-password", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), secret: true);
        var prometheus = new PrometheusResource(name, Path.Combine(dataDirectory, name)) { Password = password.Resource };
        var resourceBuilder = builder.AddResource(prometheus)
            .WithInstallCommand(InstallCommand)
            .WithHttpEndpoint(name: PrometheusResource.HttpEndpointName)
            .WithAnnotation(new HttpHealthCheckAnnotation("/-/ready", 200, PrometheusResource.HttpEndpointName) { Authorization = prometheus.GetAuthorization });
        var endpoint = resourceBuilder.GetEndpoint(PrometheusResource.HttpEndpointName);
        resourceBuilder.WithArgs(
            $"--config.file={prometheus.ConfigPath}",
            $"--web.config.file={prometheus.WebConfigPath}",
            $"--storage.tsdb.path={prometheus.DataPath}",
            "--storage.tsdb.retention.time=1d",
            ReferenceExpression.Create($"--web.listen-address=127.0.0.1:{endpoint.Property(EndpointProperty.TargetPort)}"));

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(prometheus, (e, ct) =>
        {
            var model = e.Services.GetRequiredService<DistributedApplicationModel>();
            var scraped = model.Resources.Where(r => r.Annotations.OfType<PrometheusScrapeAnnotation>().Any()).ToList();
            PrometheusConfigWriter.WriteConfig(prometheus, scraped);
            PrometheusConfigWriter.WriteWebConfig(prometheus);
            var notifications = e.Services.GetRequiredService<ResourceNotificationService>();
            _ = KeepTargetsCurrentAsync(prometheus, scraped, notifications, ct);
            return Task.CompletedTask;
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

    private static async Task KeepTargetsCurrentAsync(PrometheusResource prometheus, IReadOnlyList<IResource> scraped,
        ResourceNotificationService notifications, CancellationToken cancellationToken)
    {
        var written = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            await foreach (var e in notifications.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!scraped.Contains(e.Resource))
                {
                    continue;
                }

                var key = string.Join(',', e.Snapshot.Replicas.Where(r => r.State == KnownResourceStates.Running).Select(r => r.Url));
                if (written.GetValueOrDefault(e.Resource.Name) != key)
                {
                    written[e.Resource.Name] = key;
                    PrometheusConfigWriter.WriteTargets(prometheus, e.Resource, e.Snapshot.Replicas);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The application is stopping.
        }
    }
}
