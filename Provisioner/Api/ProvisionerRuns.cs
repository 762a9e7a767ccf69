using System.Diagnostics;
using Microsoft.Extensions.Options;
using VllmAspire.Contracts.Stages;
using VllmAspire.Provisioner.Deploy;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Provisioner.Stages.Observers;

namespace VllmAspire.Provisioner.Api;

/// <summary>
/// The service's deploy and destroy runs (the dashboard's commands): one at a time, in the background, over the same
/// engine as <c>aspire deploy</c>, with every stage's latest state kept for <c>GET /api/stages</c> and each run
/// exported as a trace.
/// </summary>
/// <param name="services">The deployment's services, apart from the web host's (<see cref="DeploymentServices.Build"/>).</param>
/// <param name="configuration">Reads credentials.</param>
/// <param name="options">The Provisioner options (default published folder).</param>
/// <param name="lifetime">Stops a run when the service stops.</param>
/// <param name="timeProvider">The clock.</param>
/// <param name="logger">The logger.</param>
internal sealed class ProvisionerRuns(
    ServiceProvider services,
    IConfiguration configuration,
    IOptionsMonitor<ProvisionerOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider timeProvider,
    ILogger<ProvisionerRuns> logger)
{
    private readonly Lock _lock = new();
    private StageStatusBoard _board = new();
    private RunInfo? _run;

    /// <summary>Gets the last or current run, or null before the first.</summary>
    public RunInfo? Current
    {
        get
        {
            lock (_lock)
            {
                return _run;
            }
        }
    }

    /// <summary>Gets the last or current run's stages.</summary>
    /// <returns>The stages as stage events.</returns>
    public IReadOnlyList<StageEvent> GetStages()
    {
        lock (_lock)
        {
            return [.. _board.GetStages().Select(s => s.ToEvent())];
        }
    }

    /// <summary>Checks the input and starts a run in the background, unless one is running.</summary>
    /// <param name="mode">Deploy or destroy.</param>
    /// <param name="request">The published folder and dry-run flag.</param>
    /// <returns>The result to answer with: 202 with the run, 400 for bad input, 409 when busy, 500 for a broken graph.</returns>
    public IResult Start(StageRunMode mode, RunRequest? request)
    {
        var from = request?.From is { Length: > 0 } given ? given : options.CurrentValue.PublishedPath;
        if (string.IsNullOrWhiteSpace(from))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest,
                detail: "No published folder: send {\"from\": \"DIR\"} or configure Provisioner:PublishedPath (environment variable Provisioner__PublishedPath).");
        }

        lock (_lock)
        {
            // Busy is the run's state, which the run's end sets under this lock: a client that has seen the run end can
            // start the next at once (its background task may still be unwinding).
            if (_run is { State: KnownStageStates.Running })
            {
                return Results.Problem(statusCode: StatusCodes.Status409Conflict,
                    detail: $"A {_run.Mode} of {_run.From} is running since {_run.Start:O}; wait for it to end (GET /api/run) and try again.");
            }

            PublishedApp app;
            StageGraph graph;
            try
            {
                (app, graph) = Deployment.Prepare(from, configuration, services);
            }
            catch (Exception e) when (e is DeploymentInputException or ArgumentException)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: e.Message);
            }
            catch (StageGraphException e)
            {
                return Results.Problem(statusCode: StatusCodes.Status500InternalServerError, detail: $"The stages of {Path.GetFullPath(from)} do not form a graph: {e.Message}");
            }

            if (graph.Stages.Count == 0)
            {
                return Results.Problem(statusCode: StatusCodes.Status501NotImplemented,
                    detail: $"No provisioning stages for {app.Directory}: its plan has no steps and kubernetes/ no objects. Publish the app again.");
            }

            var verb = mode == StageRunMode.Deploy ? "deploy" : "destroy";
            var dryRun = request?.DryRun ?? false;
            _board = new StageStatusBoard();
            _run = new RunInfo(verb, app.Directory, dryRun, KnownStageStates.Running, timeProvider.GetUtcNow(), null, null);
            var board = _board;
            _ = Task.Run(() =>
            {
                // The run outlives the request that started it: it is a trace of its own, not a child of POST /api/deploy.
                Activity.Current = null;
                return RunAsync(app, graph, mode, dryRun, board);
            });
            return Results.Accepted("/api/run", _run);
        }
    }

    private async Task RunAsync(PublishedApp app, StageGraph graph, StageRunMode mode, bool dryRun, StageStatusBoard board)
    {
        RunSummary? summary = null;
        try
        {
            summary = await Deployment.RunAsync(app, graph, mode, dryRun, services, [board], lifetime.ApplicationStopping).ConfigureAwait(false);
            logger.LogInformation("{Summary}", ConsoleStageReporter.Describe(summary));
        }
        catch (Exception e)
        {
            logger.LogError(e, "The {Mode} of {From} stopped unexpectedly", mode, app.Directory);
        }
        finally
        {
            lock (_lock)
            {
                _run = _run! with
                {
                    State = summary?.Succeeded == true ? KnownStageStates.Succeeded : KnownStageStates.Failed,
                    End = timeProvider.GetUtcNow(),
                    Summary = summary is null ? "stopped unexpectedly; see the service's log" : ConsoleStageReporter.Describe(summary),
                };
            }
        }
    }
}
