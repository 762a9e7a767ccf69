using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VllmAspire.Provisioner.Stages;

namespace VllmAspire.Provisioner.Deploy;

/// <summary>One deploy or destroy of a published app: compose its stages, check the graph, run it.</summary>
internal static class Deployment
{
    /// <summary>The label every object we create carries.</summary>
    public const string ManagedBy = "vllm-aspire";

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
        };
        return runner.RunAsync(graph, options, observers, cancellationToken);
    }
}
