using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VllmAspire.Contracts.Stages;

namespace VllmAspire.Hosting.Provisioner;

/// <summary>
/// Shows a provisioning run started by a command as it goes: every second it reads the Provisioner service's stages
/// (<c>GET /api/stages</c>, with its token) and publishes each one as a <see cref="ProvisioningStageResource"/> under the
/// provisioner, with its state, message and objects, and each new message as a console line of the stage; it stops
/// once the run has ended (<c>GET /api/run</c>). A new run hides the stages of the previous one it no longer has.
/// </summary>
/// <param name="notifications">Publishes the stages' states.</param>
/// <param name="loggers">The stages' console logs.</param>
/// <param name="httpFactory">Clients for the Provisioner's API.</param>
/// <param name="lifetime">Stops following when the AppHost stops.</param>
/// <param name="logger">The AppHost's log, for a run that cannot be followed.</param>
internal sealed class ProvisioningStageMonitor(
    ResourceNotificationService notifications,
    ResourceLoggerService loggers,
    IHttpClientFactory httpFactory,
    IHostApplicationLifetime lifetime,
    ILogger<ProvisioningStageMonitor> logger)
{
    /// <summary>The resource type the dashboard shows for a stage.</summary>
    public const string ResourceType = "ProvisioningStage";

    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (ProvisioningStageResource Resource, StageEvent Last)> _stages = new(StringComparer.Ordinal);
    private CancellationTokenSource? _following;

    /// <summary>Follows the run the provisioner has just started, instead of any earlier one.</summary>
    /// <param name="provisioner">The provisioner.</param>
    /// <param name="run">What the run is, e.g. <c>deploy (dry run)</c>.</param>
    public void Follow(ProvisionerResource provisioner, string run)
    {
        var following = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        lock (_lock)
        {
            _following?.Cancel();
            _following = following;
        }

        _ = Task.Run(() => FollowAsync(provisioner, run, following.Token));
    }

    private async Task FollowAsync(ProvisionerResource provisioner, string run, CancellationToken cancellationToken)
    {
        try
        {
            // Children name their parent by its resource id (a project's carries DCP's suffix).
            var parentId = (await notifications.WaitForResourceAsync(provisioner.Name, _ => true, cancellationToken).ConfigureAwait(false)).ResourceId;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            using var http = httpFactory.CreateClient(nameof(ProvisioningStageMonitor));
            var baseUrl = new Uri(provisioner.GetEndpoint("http").Url);
            var token = await provisioner.ApiToken.GetValueAsync(cancellationToken).ConfigureAwait(false);
            while (true)
            {
                // The run's state first: stages read after it are at least as new, so the last poll shows how they ended.
                var state = (await GetAsync<JsonElement>(http, new Uri(baseUrl, "/api/run"), token, cancellationToken).ConfigureAwait(false)).GetProperty("state").GetString();
                foreach (var stage in await GetAsync<List<StageEvent>>(http, new Uri(baseUrl, "/api/stages"), token, cancellationToken).ConfigureAwait(false) ?? [])
                {
                    seen.Add(stage.Name);
                    await PublishAsync(provisioner, parentId, run, stage).ConfigureAwait(false);
                }

                await HideOthersAsync(seen).ConfigureAwait(false);
                if (state != KnownStageStates.Running)
                {
                    return;
                }

                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A newer run is followed, or the AppHost stops.
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            logger.LogWarning("Stopped showing the stages of the {Run} on '{Provisioner}': {Message}. The provisioner's own log has the run.", run, provisioner.Name, e.Message);
        }
    }

    private async Task PublishAsync(ProvisionerResource provisioner, string parentId, string run, StageEvent stage)
    {
        ProvisioningStageResource resource;
        StageEvent? last;
        lock (_lock)
        {
            resource = _stages.TryGetValue(stage.Name, out var known) ? known.Resource : new ProvisioningStageResource($"{provisioner.Name}-{stage.Name}", stage.Name, provisioner);
            last = known.Last;
            _stages[stage.Name] = (resource, stage);
        }

        if (last is not null && Same(last, stage))
        {
            return;
        }

        if (stage.Message is { Length: > 0 } message && message != last?.Message)
        {
            loggers.GetLogger(resource).Log(stage.State == KnownStageStates.Failed ? LogLevel.Error : LogLevel.Information, "{Message}", message);
        }

        await notifications.PublishUpdateAsync(resource, s => s with
        {
            ResourceType = ResourceType,
            State = new ResourceStateSnapshot(stage.State, Style(stage.State)),
            StartTimeStamp = stage.Start?.UtcDateTime,
            StopTimeStamp = stage.End?.UtcDateTime,
            IsHidden = false,
            Properties =
            [
                new("resource.parentName", parentId),
                new("stage.name", stage.Name),
                new("stage.run", run),
                new("stage.message", stage.Message ?? ""),
                new("stage.objects", string.Join(", ", stage.Objects ?? [])),
            ],
        }).ConfigureAwait(false);
    }

    private async Task HideOthersAsync(HashSet<string> current)
    {
        List<ProvisioningStageResource> stale;
        lock (_lock)
        {
            stale = [.. _stages.Where(s => !current.Contains(s.Key)).Select(s => s.Value.Resource)];
            foreach (var resource in stale)
            {
                _stages.Remove(resource.Stage);
            }
        }

        foreach (var resource in stale)
        {
            await notifications.PublishUpdateAsync(resource, s => s with { IsHidden = true }).ConfigureAwait(false);
        }
    }

    private static bool Same(StageEvent a, StageEvent b) =>
        a.State == b.State && a.Start == b.Start && a.End == b.End && a.Message == b.Message && (a.Objects ?? []).SequenceEqual(b.Objects ?? []);

    private static async Task<T?> GetAsync<T>(HttpClient http, Uri url, string? token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken).ConfigureAwait(false);
    }

    private static string? Style(string state) => state switch
    {
        KnownStageStates.Succeeded => KnownResourceStateStyles.Success,
        KnownStageStates.Failed => KnownResourceStateStyles.Error,
        KnownStageStates.Running or KnownStageStates.Skipped => KnownResourceStateStyles.Info,
        _ => null,
    };
}
