using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VllmAspire.Provisioner.Stages;

namespace VllmAspire.Provisioner.Deploy;

/// <summary>One deploy or destroy of a published app: compose its stages, check the graph, run it.</summary>
internal static class Deployment
{
    /// <summary>The label every object we create carries.</summary>
    public const string ManagedBy = "vllm-aspire";

    /// <summary>
    /// Reads a published folder and checks everything a run needs before anything is changed: the plan and the
    /// manifests, GCP credentials, and the stage graph (with the kubeconfig when it has Kubernetes stages). The CLI
    /// verbs, the service and any in-process caller start here, then call <see cref="RunAsync"/>.
    /// </summary>
    /// <param name="from">The folder publish wrote (<c>gke-plan.json</c> and <c>kubernetes/</c>).</param>
    /// <param name="configuration">Where credentials such as <c>GOOGLE_OAUTH_ACCESS_TOKEN</c> are looked up.</param>
    /// <param name="services">The deployment's services (<see cref="DeploymentServices"/>).</param>
    /// <returns>The app and its validated graph, which may have no stages.</returns>
    /// <exception cref="DeploymentInputException">Bad input (nothing was changed): the message names it and the fix.</exception>
    /// <exception cref="StageGraphException">The stages do not form a graph: a defect of publish or of the stages.</exception>
    public static (PublishedApp App, StageGraph Graph) Prepare(string from, IConfiguration configuration, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var app = PublishedApp.Load(from);
        GcpCredentialCheck.Ensure(name => configuration[name]);
        return (app, BuildGraph(app, services));
    }

    /// <summary>Builds the validated stage graph of a published app.</summary>
    /// <param name="app">The published app.</param>
    /// <param name="services">The deployment's services.</param>
    /// <returns>The graph.</returns>
    /// <exception cref="StageGraphException">The stages do not form a graph.</exception>
    public static StageGraph BuildGraph(PublishedApp app, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return StageGraph.Create(services.GetRequiredService<StageComposer>()(app, services));
    }

    /// <summary>Runs every stage of the graph.</summary>
    /// <param name="app">The published app.</param>
    /// <param name="graph">Its graph (<see cref="BuildGraph"/>).</param>
    /// <param name="mode">Deploy or destroy.</param>
    /// <param name="dryRun">Whether stages only say what they would change.</param>
    /// <param name="services">The deployment's services.</param>
    /// <param name="observers">Who hears of every stage change.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The run's summary.</returns>
    public static Task<RunSummary> RunAsync(
        PublishedApp app, StageGraph graph, StageRunMode mode, bool dryRun, IServiceProvider services, IReadOnlyList<IStageObserver> observers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(services);
        var runner = new StageRunner(services.GetRequiredService<TimeProvider>(), services.GetService<ILogger<StageRunner>>());
        var options = new StageRunOptions
        {
            Mode = mode,
            DryRun = dryRun,
            Services = services,
            Labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["app"] = app.ApplicationName, ["managed-by"] = ManagedBy },
            Target = new RunTarget(app.Plan.Project, app.Plan.Location, app.Plan.Cluster),
        };
        return runner.RunAsync(graph, options, observers, cancellationToken);
    }
}
