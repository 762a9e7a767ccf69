using VllmAspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Orchestration;

namespace VllmAspire.Hosting.Dashboard;

/// <summary>The AppHost services the dashboard's API and pages read from and act through.</summary>
/// <param name="Notifications">Resource states.</param>
/// <param name="Logs">Console output of every resource.</param>
/// <param name="Orchestrator">Start, stop and restart.</param>
/// <param name="Stages">Provisioning stages reported to the dashboard.</param>
/// <param name="Model">The application model.</param>
/// <param name="HttpClientFactory">Clients for Prometheus's HTTP API.</param>
/// <param name="Startup">Every start of every vLLM replica, phase by phase.</param>
/// <param name="Decisions">The local autoscaler's decisions, or null when nothing in the model autoscales.</param>
internal sealed record DashboardServices(
    ResourceNotificationService Notifications,
    ResourceLoggerService Logs,
    ApplicationOrchestrator Orchestrator,
    StageEventStore Stages,
    DistributedApplicationModel Model,
    IHttpClientFactory HttpClientFactory,
    StartupTimeline Startup,
    AutoscalingDecisionStore? Decisions)
{
    /// <summary>Starts, stops or restarts a resource: the one path for the API and the pages.</summary>
    /// <param name="name">The resource.</param>
    /// <param name="action">What to do.</param>
    /// <returns>Null when done, else an HTTP status and what is wrong.</returns>
    public async Task<(int Status, string Error)?> RunActionAsync(string name, ResourceAction action)
    {
        if (!Notifications.TryGetCurrentState(name, out var current))
        {
            return (404, $"No resource named '{name}'. GET /api/resources lists them.");
        }

        if (current.Resource is ParameterResource)
        {
            return (409, $"'{name}' is a parameter: it has no process to start, stop or restart.");
        }

        try
        {
            await (action switch
            {
                ResourceAction.Start => Orchestrator.StartResourceAsync(name),
                ResourceAction.Stop => Orchestrator.StopResourceAsync(name),
                _ => Orchestrator.RestartResourceAsync(name),
            }).ConfigureAwait(false);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return (409, e.Message);
        }
    }
}

/// <summary>What a resource action does.</summary>
internal enum ResourceAction
{
    /// <summary>Start a stopped resource.</summary>
    Start,

    /// <summary>Stop every replica.</summary>
    Stop,

    /// <summary>Stop, then start again.</summary>
    Restart,
}
