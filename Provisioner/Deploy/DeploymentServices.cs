using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using VllmAspire.Provisioner.Gcp;
using VllmAspire.Provisioner.Kubernetes;
using VllmAspire.Provisioner.Stages.Gcp;

namespace VllmAspire.Provisioner.Deploy;

/// <summary>The services a deploy or destroy run gives its stages: configuration, clock, logging, and the GCP and Kubernetes clients.</summary>
internal static class DeploymentServices
{
    /// <summary>The configuration section of the Kubernetes wait deadlines and poll interval.</summary>
    public const string KubernetesWaitsSection = "Kubernetes:Waits";

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
        // Kubernetes: the usual kubeconfig (KUBECONFIG, ~/.kube/config) or the in-cluster account; waits from Kubernetes:Waits.
        services.TryAddSingleton(_ => configuration.GetSection(KubernetesWaitsSection).Get<KubernetesWaitOptions>() ?? new KubernetesWaitOptions());
        services.TryAddSingleton(_ => KubernetesClientFactory.CreateFromEnvironment());
        services.TryAddSingleton(sp => new KubernetesOperations(sp.GetRequiredService<k8s.IKubernetes>(), sp.GetRequiredService<KubernetesWaitOptions>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<StageComposer>(DeploymentGraph.Build);
        services.AddPodStartupTracing(configuration);
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
        var provider = services.BuildServiceProvider();
        // No host starts the tracer provider here: resolve it so it listens from the start (disposing flushes it).
        _ = provider.GetService<TracerProvider>();
        return provider;
    }
}
