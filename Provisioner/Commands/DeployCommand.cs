using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using VllmAspire.Provisioner.Deploy;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Provisioner.Stages.Observers;

namespace VllmAspire.Provisioner.Commands;

/// <summary>
/// The <c>deploy --from DIR</c> and <c>destroy --from DIR</c> verbs: run every provisioning stage of a published app
/// (deploy order, or reverse for destroy) with live progress and a summary. Exit codes: 0 done, 1 a stage failed,
/// 2 bad input (nothing changed), 130 canceled.
/// </summary>
internal static class DeployCommand
{
    /// <summary>Exit code when every stage ran to its end.</summary>
    public const int Success = 0;

    /// <summary>Exit code when a stage failed or the stages do not form a graph.</summary>
    public const int Failure = 1;

    /// <summary>Exit code for bad input: nothing was changed.</summary>
    public const int BadInput = 2;

    /// <summary>Exit code when Ctrl+C or SIGTERM stopped the run.</summary>
    public const int Canceled = 130;

    /// <summary>Creates the <c>deploy</c> or <c>destroy</c> command.</summary>
    /// <param name="mode">Which verb.</param>
    /// <param name="output">Where progress goes; the console unless a test captures it.</param>
    /// <param name="configure">Lets tests replace services, e.g. the stages.</param>
    /// <param name="error">Where errors go, unwrapped; standard error unless a test captures it.</param>
    /// <returns>The command.</returns>
    public static Command Create(StageRunMode mode, IAnsiConsole? output = null, Action<IServiceCollection>? configure = null, TextWriter? error = null)
    {
        var from = new Option<string>("--from")
        {
            Description = "The folder `publish` wrote (with gke-plan.json and kubernetes/).",
            Required = true,
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only observe, and print what would change." };
        var (name, description) = mode == StageRunMode.Deploy
            ? ("deploy", "Provision and deploy a published app on GKE: every stage, in dependency order, independent ones in parallel. Configuration overrides: --Key=value, e.g. --Gcp:Endpoints:Compute=URL.")
            : ("destroy", "Delete what deploy created (found by our labels), in reverse order. Configuration overrides: --Key=value.");
        var command = new Command(name, description) { from, dryRun };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, ct) => RunAsync(mode, parse.GetValue(from)!, parse.GetValue(dryRun), parse.UnmatchedTokens, output ?? AnsiConsole.Console, error ?? Console.Error, configure, ct));
        return command;
    }

    private static async Task<int> RunAsync(
        StageRunMode mode, string from, bool dryRun, IReadOnlyList<string> overrides, IAnsiConsole console, TextWriter errors, Action<IServiceCollection>? configure, CancellationToken ct)
    {
        var rejected = overrides.Where(t => !(t.StartsWith("--", StringComparison.Ordinal) && t.Contains('=', StringComparison.Ordinal))).ToList();
        if (rejected.Count > 0)
        {
            Error(errors, $"Unrecognized argument(s) {string.Join(", ", rejected.Select(t => $"'{t}'"))}. Configuration overrides look like --Gcp:Endpoints:Compute=URL; --help lists the options.");
            return BadInput;
        }

        var configuration = DeploymentServices.BuildConfiguration(overrides);
        var tracing = CommandTracing.Start(configuration);
        try
        {
            return await RunAsync(mode, from, dryRun, configuration, console, errors, configure, ct).ConfigureAwait(false);
        }
        finally
        {
            // The spans of the run reach the collector before the process exits.
            CommandTracing.Flush(tracing);
        }
    }

    private static async Task<int> RunAsync(
        StageRunMode mode, string from, bool dryRun, IConfiguration configuration, IAnsiConsole console, TextWriter errors, Action<IServiceCollection>? configure, CancellationToken ct)
    {
        PublishedApp app;
        StageGraph graph;
        DashboardStagePublisher? dashboard;
        await using var services = DeploymentServices.Build(configuration, configure);
        try
        {
            (app, graph) = Deployment.Prepare(from, configuration, services);
            dashboard = DashboardStagePublisher.Create(configuration["Dashboard:Url"], configuration["Dashboard:Token"], services.GetRequiredService<ILogger<DashboardStagePublisher>>());
        }
        catch (Exception e) when (e is DeploymentInputException or ArgumentException)
        {
            Error(errors, e.Message);
            return BadInput;
        }
        catch (StageGraphException e)
        {
            Error(errors, $"The stages of {Path.GetFullPath(from)} do not form a graph: {e.Message}");
            return Failure;
        }

        await using (dashboard)
        {
            if (graph.Stages.Count == 0)
            {
                Error(errors, $"No provisioning stages for {app.Directory}: its plan has no steps and kubernetes/ no objects, so nothing would be {(mode == StageRunMode.Deploy ? "deployed" : "destroyed")}. Publish the app again.");
                return Failure;
            }

            // Ctrl+C and SIGTERM cancel the run: running stages stop, none start, and the summary still prints.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            console.WriteLine($"{(mode == StageRunMode.Deploy ? "deploy" : "destroy")}{(dryRun ? " --dry-run" : string.Empty)}: {graph.Stages.Count} stages from {app.Directory} (project {app.Plan.Project}, cluster {app.Plan.Cluster} in {app.Plan.Location})");
            var reporter = new ConsoleStageReporter(console);
            IReadOnlyList<IStageObserver> observers = dashboard is null ? [reporter] : [reporter, dashboard];
            var summary = await reporter.ShowAsync(() => Deployment.RunAsync(app, graph, mode, dryRun, services, observers, stop.Token)).ConfigureAwait(false);
            reporter.WriteSummary(summary);
            return summary.Canceled ? Canceled : summary.Succeeded ? Success : Failure;

            void Stop(PosixSignalContext context)
            {
                context.Cancel = true;
                stop.Cancel();
            }
        }
    }

    // Errors go unwrapped to standard error, so scripts and logs get each on one line.
    private static void Error(TextWriter errors, string message) => errors.WriteLine($"error: {message}");
}
