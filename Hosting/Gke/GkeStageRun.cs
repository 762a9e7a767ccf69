using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VllmAspire.Contracts.Stages;
using VllmAspire.Hosting.Planning;
using VllmAspire.Hosting.ServiceProjects;
using VllmAspire.Provisioner.Deploy;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Provisioner.Stages.Observers;

namespace VllmAspire.Hosting.Gke;

/// <summary>
/// Runs the Provisioner's stage engine in the deploy and destroy steps, in-process: the same stages, runner and
/// clients the Provisioner service runs for the dashboard's commands, over the folder the publish step wrote. Each
/// stage is a task of the step (<see cref="StageTaskReporter"/>); the run ends with the stage table in the step's log
/// and its totals and times in the pipeline summary. A failed stage fails the step with the API's message and what to
/// do; whatever the run created carries our labels, so a rerun continues where it stopped.
/// </summary>
internal static class GkeStageRun
{
    /// <summary>Runs every stage of the published app, in deploy order or reverse for destroy.</summary>
    /// <param name="environment">The GKE environment.</param>
    /// <param name="mode">Deploy or destroy.</param>
    /// <param name="dryRun">Whether stages only observe and say what they would change.</param>
    /// <param name="context">The step's context: the published folder, configuration (<c>Gcp:*</c>, <c>Kubernetes:*</c>, <c>Deploy:*</c>), reporting, cancellation.</param>
    /// <returns>A task that completes when the run succeeded.</returns>
    /// <exception cref="DistributedApplicationException">The input is unusable (nothing was changed) or a stage failed.</exception>
    /// <exception cref="OperationCanceledException">The pipeline was canceled; running stages stopped.</exception>
    public static async Task RunAsync(GkeEnvironmentResource environment, StageRunMode mode, bool dryRun, PipelineStepContext context)
    {
        var published = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
        var configuration = Configuration(context.Services.GetRequiredService<IConfiguration>());
        var verb = (mode == StageRunMode.Deploy ? "deploy" : "destroy") + (dryRun ? " (dry run)" : "");
        await using var services = DeploymentServices.Build(configuration, logging: logging => logging.AddProvider(new StepLoggerProvider(context.Logger)).SetMinimumLevel(LogLevel.Warning));
        PublishedApp app;
        StageGraph graph;
        try
        {
            (app, graph) = Deployment.Prepare(published, configuration, services);
        }
        catch (Exception e) when (e is DeploymentInputException or ArgumentException or StageGraphException)
        {
            throw new DistributedApplicationException($"{e.Message} Nothing was changed.", e);
        }

        if (graph.Stages.Count == 0)
        {
            throw new DistributedApplicationException($"No provisioning stages for {app.Directory}: its plan has no steps and kubernetes/ no objects, so nothing would be {(mode == StageRunMode.Deploy ? "deployed" : "destroyed")}.");
        }

        context.ReportingStep.Log(LogLevel.Information,
            $"{verb} of '{environment.Name}': {graph.Stages.Count} stages from {app.Directory} (project {app.Plan.Project}, cluster {app.Plan.Cluster} in {app.Plan.Location})");
        RunSummary summary;
        var reporter = new StageTaskReporter(context.ReportingStep);
        await using (reporter.ConfigureAwait(false))
        {
            summary = await Deployment.RunAsync(app, graph, mode, dryRun, services, [reporter], context.CancellationToken).ConfigureAwait(false);
        }

        context.ReportingStep.Log(LogLevel.Information, new MarkdownString(StageTable(summary)));
        var totals = ConsoleStageReporter.Describe(summary);
        context.CancellationToken.ThrowIfCancellationRequested();
        if (!summary.Succeeded)
        {
            // The CLI prints the pipeline summary only when every step succeeded: the totals go to the step's log.
            context.ReportingStep.Log(LogLevel.Warning, totals);
            var failures = summary.Stages.Where(s => s.State == KnownStageStates.Failed).Select(s => $"stage {s.Name}: {s.Message}").ToList();
            foreach (var failure in failures)
            {
                context.ReportingStep.Log(LogLevel.Error, failure);
            }

            throw new DistributedApplicationException(
                $"{verb} of '{environment.Name}' failed: {string.Join("; ", failures)}. Fix the cause and run the command again: stages already done find nothing to change, and what a failed stage created carries our labels, so the rerun adopts it.");
        }

        context.Summary.Add($"GKE {verb}", totals);
        await context.ReportingStep.CompleteAsync(totals, CompletionState.Completed, context.CancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gets the run's stage table: each stage's state, what it did, how long it took and how many objects it touched.</summary>
    /// <param name="summary">The run's summary.</param>
    /// <returns>A Markdown table.</returns>
    public static string StageTable(RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var table = new MarkdownTable("Stage", "State", "Result", "Time s", "Objects");
        foreach (var stage in summary.Stages)
        {
            table.AddRow(stage.Name, stage.State, stage.Outcome?.ToString().ToLowerInvariant() ?? (stage.NotRun ? "not run" : "failed"),
                stage.NotRun ? "-" : stage.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture), stage.Objects.Count.ToString(CultureInfo.InvariantCulture));
        }

        return table.ToString();
    }

    // The AppHost's configuration (Gcp:Endpoints:*, Kubernetes:Waits:*, credentials from the environment), and where the
    // sources of our images are: deploy builds them with the .NET SDK from this repository.
    private static IConfiguration Configuration(IConfiguration appHost)
    {
        if (!string.IsNullOrWhiteSpace(appHost[DeploymentGraph.RepositoryRootKey])
            || Path.GetDirectoryName(Path.GetDirectoryName(new ProvisionerProject().ProjectPath)) is not { } root
            || !File.Exists(Path.Combine(root, "VllmAspire.sln")))
        {
            return appHost;
        }

        return new ConfigurationBuilder()
            .AddConfiguration(appHost)
            .AddInMemoryCollection(new Dictionary<string, string?> { [DeploymentGraph.RepositoryRootKey] = root })
            .Build();
    }

    // The engine's warnings and errors (a retried call, a slow wait) go to the step's log.
    private sealed class StepLoggerProvider(ILogger logger) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => logger;

        public void Dispose()
        {
        }
    }
}
