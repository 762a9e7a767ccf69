using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting;

/// <summary>The conventions our own ServiceDefaults-based services share when they join a model.</summary>
internal static class ServiceResourceBuilderExtensions
{
    /// <summary>
    /// Adds a secret of a local run (an API token, a password): generated fresh for each run and never saved, unless
    /// configured (<c>Parameters:{name}</c>). It joins the model in run mode only: outside it no local service runs, and
    /// Aspire saves every parameter of a published model in its deployment state, in clear text.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The parameter's name.</param>
    /// <returns>The parameter.</returns>
    public static ParameterResource AddLocalSecret(this IDistributedApplicationBuilder builder, string name)
    {
        var generate = new GenerateParameterDefault { MinLength = 32, Special = false };
        return builder.ExecutionContext.IsRunMode
            ? builder.AddParameter(name, generate, secret: true, persist: false).Resource
            : ParameterResourceBuilderExtensions.CreateGeneratedParameter(builder, name, secret: true, generate);
    }

    /// <summary>Sets an environment variable to a local secret in run mode only (see <see cref="AddLocalSecret"/>).</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="name">The variable.</param>
    /// <param name="secret">The secret parameter; the dashboard masks it.</param>
    /// <returns>The builder.</returns>
    public static IResourceBuilder<T> WithLocalSecret<T>(this IResourceBuilder<T> builder, string name, ParameterResource secret) where T : IResourceWithEnvironment =>
        builder.WithEnvironment(context =>
        {
            if (context.ExecutionContext.IsRunMode)
            {
                context.EnvironmentVariables[name] = secret;
            }
        });

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
