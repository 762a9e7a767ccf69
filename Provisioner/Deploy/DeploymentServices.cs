using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using VllmAspire.Provisioner.Gcp;
using VllmAspire.Provisioner.Stages.Gcp;

namespace VllmAspire.Provisioner.Deploy;

/// <summary>The services a deploy or destroy run gives its stages: configuration, clock, logging, and the GCP and Kubernetes clients.</summary>
internal static class DeploymentServices
{
    /// <summary>Builds configuration from the environment and <c>--Key=value</c> arguments (arguments win).</summary>
    /// <param name="arguments">Arguments such as <c>--Gcp:Endpoints:Compute=http://127.0.0.1:5000</c>.</param>
    /// <returns>The configuration.</returns>
    public static IConfiguration BuildConfiguration(IReadOnlyList<string> arguments) =>
        new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine([.. arguments]).Build();

    /// <summary>Adds what every run needs; the stage factories' clients are registered here as well.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddDeployment(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddHttpClient();
        services.AddGcpClients(configuration);
        services.Configure<GcpStageOptions>(configuration.GetSection(GcpStageOptions.SectionName));
        services.TryAddSingleton<StageComposer>(DeploymentGraph.Build);
        return services;
    }

    /// <summary>Builds the services of a CLI run, logging warnings and errors to standard error.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="configure">Lets tests replace services.</param>
    /// <returns>The service provider.</returns>
    public static ServiceProvider Build(IConfiguration configuration, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        configure?.Invoke(services);
        services.AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).AddFilter(level => level >= LogLevel.Warning)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        services.AddDeployment(configuration);
        return services.BuildServiceProvider();
    }
}
