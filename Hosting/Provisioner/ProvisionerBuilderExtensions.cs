using Microsoft.Extensions.DependencyInjection;
using VllmAspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Cli;
using VllmAspire.Hosting.Dashboard;
using VllmAspire.Hosting.Eventing;

namespace VllmAspire.Hosting;

/// <summary>Adds the Provisioner service to the model.</summary>
public static class ProvisionerBuilderExtensions
{
    /// <summary>
    /// Adds the Provisioner service. Its API requires a bearer token: parameter <c>{name}-api-token</c> (secret),
    /// generated fresh for each run unless configured. In run mode it reports its stages to the dashboard (URL and a
    /// secret token that may only post stage events) and deploys the folder the AppHost's <c>deploy</c> publishes to,
    /// building the plan's images from these sources; the dashboard's stages page starts its runs.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<ProvisionerResource> AddProvisioner(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var token = builder.AddApiToken(name);
        var project = new KnownProjects.Provisioner();
        var provisioner = new ProvisionerResource(name, project) { ApiToken = token.Resource };

        // The dashboard and the data folder exist only once the host runs: they reach the service as deferred values.
        IServiceProvider? services = null;
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            services = e.Services;
            return Task.CompletedTask;
        });
        var dashboardToken = new ParameterResource($"{name}-dashboard-token", () => services?.GetService<DashboardServer>()?.StageEventsToken.Value, secret: true);

        return builder.AddResource(provisioner)
            .WithServiceDefaultsEndpoints()
            .WithEnvironment("Provisioner__ApiToken", token)
            .WithEnvironment(context =>
            {
                if (!context.ExecutionContext.IsRunMode || services is null)
                {
                    return;
                }

                if (services.GetService<DashboardServer>()?.Url is { } url)
                {
                    context.EnvironmentVariables["Dashboard__Url"] = url.ToString();
                    context.EnvironmentVariables["Dashboard__Token"] = dashboardToken;
                }

                if (services.GetService<AppHostPaths>() is { } paths)
                {
                    context.EnvironmentVariables["Provisioner__PublishedPath"] = Path.Combine(paths.DataDirectory, ProvisionerVerbCommand.PublishFolder);
                }

                if (ProvisionerVerbCommand.FindRepositoryRoot(project.ProjectPath) is { } root)
                {
                    context.EnvironmentVariables["Deploy__RepositoryRoot"] = root;
                }
            });
    }
}
