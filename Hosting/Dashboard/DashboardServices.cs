using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using VllmAspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Orchestration;

namespace VllmAspire.Hosting.Dashboard;

/// <summary>The AppHost services the dashboard's API and pages read from and act through.</summary>
/// <param name="Notifications">Resource states.</param>
/// <param name="Logs">Console output of every resource.</param>
/// <param name="Orchestrator">Start, stop and restart.</param>
/// <param name="Stages">Provisioning stages reported to the dashboard.</param>
/// <param name="Model">The application model.</param>
/// <param name="HttpClientFactory">Clients for Prometheus's HTTP API and the Provisioner's.</param>
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

    /// <summary>
    /// Asks the model's Provisioner service to deploy or destroy (<c>POST /api/deploy</c> or <c>/api/destroy</c>) with its
    /// API token, which stays on this server. The run's stages then arrive as stage events.
    /// </summary>
    /// <param name="destroy">Whether to destroy rather than deploy.</param>
    /// <param name="dryRun">Whether stages only report what they would change.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The Provisioner's status (202 started, 409 busy, 400 bad input…) and its message, or this server's own 404/503.</returns>
    public async Task<(int Status, string Message)> RunProvisionerAsync(bool destroy, bool dryRun, CancellationToken cancellationToken = default)
    {
        var provisioner = Model.Resources.OfType<ProvisionerResource>().FirstOrDefault();
        if (provisioner is null)
        {
            return (404, "The model has no Provisioner service: add it with builder.AddProvisioner(\"provisioner\").");
        }

        var url = Notifications.TryGetCurrentState(provisioner.Name, out var current)
            ? current.Snapshot.Urls.Select(u => u.Url).FirstOrDefault(u => u.StartsWith("http://", StringComparison.Ordinal) || u.StartsWith("https://", StringComparison.Ordinal))
            : null;
        // Healthy, not only Running: a started process may not listen yet.
        if (url is null || current?.Snapshot is not { State: KnownResourceStates.Running, HealthStatus: ResourceHealthStatus.Healthy } || provisioner.ApiToken is not { HasValue: true } token)
        {
            var state = current?.Snapshot is { } snapshot ? $"{snapshot.State}{(snapshot.HealthStatus is { } health ? $", {health}" : "")}" : KnownResourceStates.NotStarted;
            return (503, $"The Provisioner '{provisioner.Name}' is not running and healthy ({state}); start it on the resources page, wait until it is healthy and try again.");
        }

        var verb = destroy ? "destroy" : "deploy";
        using var http = HttpClientFactory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(url), $"/api/{verb}")) { Content = JsonContent.Create(new { dryRun }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return ((int)response.StatusCode, MessageOf(body, $"{verb}{(dryRun ? " (dry run)" : "")}: {(int)response.StatusCode} {response.ReasonPhrase}"));
        }
        catch (HttpRequestException e)
        {
            return (502, $"The Provisioner at {url} did not answer: {e.Message}");
        }
    }

    // The Provisioner answers with a problem ({"detail"}) or a run ({"state", ...}); the page shows one line.
    private static string MessageOf(string body, string fallback)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (json.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
                {
                    return detail.GetString()!;
                }

                if (json.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                {
                    return message.GetString()!;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the status line says enough.
        }

        return fallback;
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
