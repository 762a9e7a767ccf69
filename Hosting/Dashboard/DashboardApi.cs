using System.Text.Json.Serialization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VllmAspire.Contracts.Stages;
using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Dashboard;

/// <summary>The dashboard's JSON API; every route needs the token (bearer or login cookie), actions also same-origin.</summary>
internal static class DashboardApi
{
    /// <summary>The most lines one logs request returns.</summary>
    public const int MaxTail = ResourceLoggerService.DefaultCapacity;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static void Map(IEndpointRouteBuilder authorized, DashboardServices services)
    {
        authorized.MapGet("/api/resources", () => Results.Json(services.Notifications.GetCurrentStates().Select(ToDto), JsonOptions));

        authorized.MapGet("/api/resources/{name}/logs", (string name, string? tail) =>
        {
            if (!services.Notifications.TryGetCurrentState(name, out _))
            {
                return UnknownResource(name);
            }

            int? count = null;
            if (tail is not null)
            {
                if (!int.TryParse(tail, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1 || n > MaxTail)
                {
                    return Problem(StatusCodes.Status400BadRequest, $"'tail' is '{tail}'; give a whole number of lines from 1 to {MaxTail}, or leave it out for every kept line.");
                }

                count = n;
            }

            return Results.Json(services.Logs.GetLines(name, count), JsonOptions);
        });

        var actions = authorized.MapGroup(string.Empty).AddEndpointFilter(async (context, next) =>
            SameOrigin.IsSameOrigin(context.HttpContext.Request)
                ? await next(context).ConfigureAwait(false)
                : Problem(StatusCodes.Status403Forbidden, "Actions must come from the dashboard's own pages or from a script without an Origin header; this request came from another origin."));

        actions.MapPost("/api/resources/{name}/restart", (string name) => RunActionAsync(services, name, ResourceAction.Restart));
        actions.MapPost("/api/resources/{name}/stop", (string name) => RunActionAsync(services, name, ResourceAction.Stop));
        actions.MapPost("/api/resources/{name}/start", (string name) => RunActionAsync(services, name, ResourceAction.Start));

        // The Provisioner's token stays on this server: the caller presents the dashboard's own.
        actions.MapPost("/api/provisioner/deploy", (bool? dryRun, CancellationToken cancellationToken) => RunProvisionerAsync(services, destroy: false, dryRun ?? false, cancellationToken));
        actions.MapPost("/api/provisioner/destroy", (bool? dryRun, CancellationToken cancellationToken) => RunProvisionerAsync(services, destroy: true, dryRun ?? false, cancellationToken));

        authorized.MapGet("/api/autoscaling", () => Results.Json(AutoscalingView.Build(services.Model, services.Decisions), JsonOptions));

        authorized.MapGet("/api/startup", () => Results.Json(services.Startup.GetStartups(), JsonOptions));

        authorized.MapGet("/api/stages", () => Results.Json(services.Stages.GetStages(), JsonOptions));
        actions.MapPost("/api/stages/events", async (HttpRequest request) =>
        {
            StageEvent? stageEvent;
            try
            {
                stageEvent = await request.ReadFromJsonAsync<StageEvent>(JsonOptions, request.HttpContext.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or BadHttpRequestException)
            {
                return Problem(StatusCodes.Status400BadRequest, $"The body is not a stage event: {e.Message} Send JSON {{\"name\", \"state\", \"start\", \"end\", \"message\", \"objects\"}} with Content-Type application/json.");
            }

            if (StageEventStore.Validate(stageEvent) is { } error)
            {
                return Problem(StatusCodes.Status400BadRequest, error);
            }

            return Results.Json(services.Stages.Add(stageEvent!), JsonOptions, statusCode: StatusCodes.Status201Created);
        });
    }

    /// <summary>Runs a start, stop or restart and answers with the resource as it is afterwards.</summary>
    private static async Task<IResult> RunActionAsync(DashboardServices services, string name, ResourceAction action)
    {
        if (await services.RunActionAsync(name, action).ConfigureAwait(false) is { } failure)
        {
            return Problem(failure.Status, failure.Error);
        }

        services.Notifications.TryGetCurrentState(name, out var after);
        return Results.Json(ToDto(after!), JsonOptions);
    }

    /// <summary>Converts a resource's state to its API shape.</summary>
    private static async Task<IResult> RunProvisionerAsync(DashboardServices services, bool destroy, bool dryRun, CancellationToken cancellationToken)
    {
        var (status, message) = await services.RunProvisionerAsync(destroy, dryRun, cancellationToken).ConfigureAwait(false);
        return status is >= 200 and < 300
            ? Results.Json(new { message }, JsonOptions, statusCode: status)
            : Problem(status, message);
    }

    internal static ResourceDto ToDto(ResourceEvent e) => new(
        e.Resource.Name,
        e.Snapshot.ResourceType,
        e.Snapshot.State,
        e.Snapshot.HealthStatus?.ToString(),
        [.. e.Snapshot.Urls.Select(u => new EndpointDto(u.Name, u.Url))],
        e.Snapshot.Replicas.Length > 0 ? e.Snapshot.Replicas.Length : e.Resource.GetReplicaCount(),
        e.Snapshot.StateMessage,
        e.Snapshot.ExitCode,
        [.. e.Snapshot.Replicas.Select(r => new InstanceDto(r.Name, r.State, r.Health?.ToString(), r.ProcessId, r.Url, r.ExitCode))]);

    private static IResult UnknownResource(string name) =>
        Problem(StatusCodes.Status404NotFound, $"No resource named '{name}'. GET /api/resources lists them.");

    private static IResult Problem(int status, string detail) => Results.Problem(detail: detail, statusCode: status);
}
