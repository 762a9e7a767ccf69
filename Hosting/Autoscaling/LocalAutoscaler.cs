using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace VllmAspire.Hosting.Autoscaling;

/// <summary>
/// The local stand-in for kube-controller-manager's HPA controller. For each resource with
/// <see cref="AutoscalingAnnotation"/> (declared with its most replicas, started on demand) it starts the fewest
/// replicas, then every sync period reads the metric from the metrics adapter exactly as the controller does
/// (<c>pods/*/{metric}?labelSelector=app={resource}</c>), runs <see cref="HpaController"/> and starts or stops replicas
/// by their ids with Aspire's own start and stop commands. Each decision updates the resource's
/// <see cref="HorizontalPodAutoscalerResource"/> and is logged there. Controller flags come from configuration
/// <c>Autoscaling:SyncPeriod</c>, <c>Autoscaling:DownscaleStabilization</c> and <c>Autoscaling:Tolerance</c>, else from
/// the annotation.
/// </summary>
internal sealed class LocalAutoscaler(
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    ResourceLoggerService loggers,
    IHttpClientFactory httpFactory,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<LocalAutoscaler> logger) : BackgroundService
{
    // The latest snapshot of every replica of every autoscaled resource, by replica id.
    private readonly ConcurrentDictionary<string, ResourceEvent> _replicas = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var targets = model.Resources.OfType<ProjectResource>().Where(r => r.TryGetLastAnnotation<AutoscalingAnnotation>(out _)).ToList();
        if (targets.Count == 0)
        {
            return;
        }

        var watch = WatchReplicasAsync(targets, stoppingToken);
        var autoscalers = targets.Select(target => new Target(
            target,
            target.Annotations.OfType<AutoscalingAnnotation>().Last(),
            model.Resources.OfType<HorizontalPodAutoscalerResource>().Single(h => h.Parent == target))).ToList();
        try
        {
            foreach (var autoscaler in autoscalers)
            {
                await StartFewestAsync(autoscaler, stoppingToken).ConfigureAwait(false);
            }

            var adapter = model.Resources.OfType<MetricsAdapterResource>().FirstOrDefault();
            if (adapter is null)
            {
                foreach (var autoscaler in autoscalers)
                {
                    loggers.GetLogger(autoscaler.Hpa).LogWarning("No metrics adapter in the model: {Resource} stays at {Min} replicas. Add builder.AddMetricsAdapter(\"metrics-adapter\").",
                        autoscaler.Resource.Name, autoscaler.Spec.MinReplicas);
                }

                return;
            }

            var period = configuration.GetValue<TimeSpan?>("Autoscaling:SyncPeriod") ?? autoscalers.Min(a => a.Spec.SyncPeriod);
            await notifications.WaitForResourceHealthyAsync(adapter.Name, stoppingToken).ConfigureAwait(false);
            using var timer = new PeriodicTimer(period, time);
            do
            {
                foreach (var autoscaler in autoscalers)
                {
                    await SyncAsync(adapter, autoscaler, stoppingToken).ConfigureAwait(false);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var autoscaler in autoscalers)
            {
                autoscaler.Telemetry?.Dispose();
            }
        }

        await watch.ConfigureAwait(false);
    }

    private async Task WatchReplicasAsync(IReadOnlyList<ProjectResource> targets, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var e in notifications.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                if (targets.Contains(e.Resource))
                {
                    _replicas[e.ResourceId] = e;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private IReadOnlyList<ResourceEvent> ReplicasOf(IResource resource) =>
        [.. _replicas.Values.Where(r => r.Resource == resource).OrderBy(r => r.ResourceId, StringComparer.Ordinal)];

    // Replicas that count toward the scale's spec.replicas: started and not stopped (or failed).
    private static bool IsStarted(ResourceEvent replica) =>
        replica.Snapshot.State?.Text is { } state && state != KnownResourceStates.NotStarted && !KnownResourceStates.TerminalStates.Contains(state);

    private async Task StartFewestAsync(Target autoscaler, CancellationToken cancellationToken)
    {
        // Every replica publishes its first snapshot at start-up; wait until all are known.
        await PollAsync(() => ReplicasOf(autoscaler.Resource).Count >= autoscaler.Spec.MaxReplicas, cancellationToken).ConfigureAwait(false);

        var started = ReplicasOf(autoscaler.Resource).Count(IsStarted);
        await ScaleAsync(autoscaler, started, autoscaler.Spec.MinReplicas, cancellationToken).ConfigureAwait(false);
        await notifications.PublishUpdateAsync(autoscaler.Hpa, s => s with
        {
            State = new ResourceStateSnapshot(KnownResourceStates.Running, KnownResourceStateStyles.Success),
            StartTimeStamp = time.GetUtcNow().UtcDateTime,
            Properties = [ParentProperty(autoscaler), new("hpa.metric", autoscaler.Spec.Metric), new("hpa.replicas", $"{autoscaler.Spec.MinReplicas} (minReplicas)")],
        }).ConfigureAwait(false);
    }

    private async Task SyncAsync(MetricsAdapterResource adapter, Target autoscaler, CancellationToken cancellationToken)
    {
        var replicas = ReplicasOf(autoscaler.Resource).Where(IsStarted).ToList();

        // The started replicas stand in for the informer's pods: healthy ones are Running and Ready, the rest Pending.
        var pods = replicas.Select(r => r.Snapshot.State?.Text == KnownResourceStates.Running
                ? new HpaPod(r.ResourceId, HpaPodPhase.Running, Ready: r.Snapshot.HealthStatus == HealthStatus.Healthy)
                : new HpaPod(r.ResourceId, HpaPodPhase.Pending, Ready: false))
            .ToList();
        var reading = await ReadAsync(adapter, autoscaler.Resource, autoscaler.Spec.Metric, cancellationToken).ConfigureAwait(false);
        var decision = autoscaler.Controller(configuration).Evaluate(new HpaObservation(replicas.Count, replicas.Count, pods, [reading]), time.GetUtcNow());
        var outcome = decision.Metrics.FirstOrDefault();
        loggers.GetLogger(autoscaler.Hpa).LogInformation(
            "{Metric} average {Average} (target {Target}) over {Pods} pods; proposal {Proposal}, stabilised {Stabilized}, replicas {Current} -> {Desired} ({Limit}); {Reason}",
            autoscaler.Spec.Metric, FormatMilli(outcome?.CurrentMilli), FormatMilli(outcome?.TargetMilli), pods.Count,
            Format(decision.Proposal), Format(decision.Stabilized), decision.CurrentReplicas, decision.DesiredReplicas, decision.Limit ?? "-", decision.Reason);
        autoscaler.Telemetry ??= AutoscalerTelemetry.TryCreate(model, configuration, autoscaler.Hpa, autoscaler.Spec.Metric);
        autoscaler.Telemetry?.Record(decision, outcome);
        await PublishAsync(autoscaler, decision, outcome?.Error,
        [
            ParentProperty(autoscaler),
            new("hpa.metric", autoscaler.Spec.Metric),
            new("hpa.replicas", $"{decision.CurrentReplicas} → {decision.DesiredReplicas}"),
            new("hpa.average", FormatMilli(outcome?.CurrentMilli)),
            new("hpa.target", FormatMilli(outcome?.TargetMilli)),
            new("hpa.pods", string.Join(", ", outcome?.PodValues?.Select(p => $"{p.Key}={FormatMilli(p.Value)}") ?? [])),
            new("hpa.proposal", Format(decision.Proposal)),
            new("hpa.stabilized", Format(decision.Stabilized)),
            new("hpa.currentReplicas", decision.CurrentReplicas),
            new("hpa.desiredReplicas", decision.DesiredReplicas),
            new("hpa.limit", decision.Limit ?? "-"),
            new("hpa.reason", decision.Reason),
            new("hpa.error", outcome?.Error ?? "-"),
        ]).ConfigureAwait(false);

        if (decision.Rescale)
        {
            await ScaleAsync(autoscaler, replicas.Count, decision.DesiredReplicas, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ScaleAsync(Target autoscaler, int current, int desired, CancellationToken cancellationToken)
    {
        var replicas = ReplicasOf(autoscaler.Resource);
        // Scale out with replicas that are not running; scale in as a ReplicaSet does: not-ready replicas first, then the newest.
        var chosen = desired > current
            ? replicas.Where(r => !IsStarted(r)).Take(desired - current).Select(r => (r.ResourceId, Command: KnownResourceCommands.StartCommand))
            : replicas.Where(IsStarted)
                .OrderBy(r => r.Snapshot.HealthStatus == HealthStatus.Healthy)
                .ThenByDescending(r => r.Snapshot.StartTimeStamp)
                .Take(current - desired)
                .Select(r => (r.ResourceId, Command: KnownResourceCommands.StopCommand));
        // All at once, as a ReplicaSet creates and deletes its pods (a replica's stop takes seconds).
        await Task.WhenAll(chosen.ToList().Select(async c =>
        {
            var result = await commands.ExecuteCommandAsync(c.ResourceId, c.Command, cancellationToken).ConfigureAwait(false);
            if (!result.Success)
            {
                logger.LogWarning("Autoscaler {Resource}: {Command} of replica {Replica} failed: {Message}", autoscaler.Resource.Name, c.Command, c.ResourceId, result.Message);
                return;
            }

            await WaitForStateAsync(autoscaler, c.ResourceId, started: c.Command == KnownResourceCommands.StartCommand, cancellationToken).ConfigureAwait(false);
        })).ConfigureAwait(false);
    }

    // A command returns before the replica's new state reaches the snapshots. Counting a replica that is stopping as
    // started, the next sync would stop another in its place (and, scaling in, could stop the last one): the scale
    // waits until the snapshots show what it did.
    private async Task WaitForStateAsync(Target autoscaler, string id, bool started, CancellationToken cancellationToken)
    {
        if (!await PollAsync(() => _replicas.TryGetValue(id, out var replica) && IsStarted(replica) == started, cancellationToken).ConfigureAwait(false))
        {
            logger.LogWarning("Autoscaler {Resource}: replica {Replica} is not {State} a minute after the command; the next sync counts it as its state says.",
                autoscaler.Resource.Name, id, started ? "started" : "stopped");
        }
    }

    // The snapshots arrive on the watch loop: look again every 100 ms, for a minute at most. True once the condition holds.
    private async Task<bool> PollAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + TimeSpan.FromMinutes(1);
        while (!condition())
        {
            if (time.GetUtcNow() > deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    // Running (and so Healthy) while the replicas match the decision, "Scaling current → desired" while they follow it;
    // a metric it cannot read (the HPA's ScalingActive condition false) turns Running's style to a warning.
    private Task PublishAsync(Target autoscaler, HpaDecision decision, string? metricError, ImmutableArray<ResourcePropertySnapshot> properties) =>
        notifications.PublishUpdateAsync(autoscaler.Hpa, s => s with
        {
            State = decision.Rescale
                ? new ResourceStateSnapshot($"Scaling {decision.CurrentReplicas} → {decision.DesiredReplicas}", KnownResourceStateStyles.Info)
                : new ResourceStateSnapshot(KnownResourceStates.Running, metricError is null ? KnownResourceStateStyles.Success : KnownResourceStateStyles.Warn),
            StartTimeStamp = s.StartTimeStamp ?? time.GetUtcNow().UtcDateTime,
            Properties = properties,
        });

    // The dashboard nests a child under the row its resource.parentName names, and a resource with replicas has one row
    // per replica only: the autoscaler shows under the replica it keeps longest, the oldest started one.
    private ResourcePropertySnapshot ParentProperty(Target autoscaler) =>
        new("resource.parentName", ReplicasOf(autoscaler.Resource)
            .OrderBy(r => IsStarted(r) ? 0 : 1)
            .ThenBy(r => r.Snapshot.StartTimeStamp ?? DateTime.MaxValue)
            .ThenBy(r => r.ResourceId, StringComparer.Ordinal)
            .FirstOrDefault()?.ResourceId ?? autoscaler.Resource.Name);

    private async Task<HpaMetricReading> ReadAsync(MetricsAdapterResource adapter, IResource target, string metric, CancellationToken cancellationToken)
    {
        var endpoint = adapter.GetEndpoint("http");
        if (!endpoint.IsAllocated)
        {
            return HpaMetricReading.Failed($"the metrics adapter '{adapter.Name}' has no endpoint yet");
        }

        var url = new Uri($"{endpoint.Url}/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/%2A/{Uri.EscapeDataString(metric)}?labelSelector={Uri.EscapeDataString($"app={target.Name}")}");
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await adapter.ApiToken.GetValueAsync(cancellationToken).ConfigureAwait(false));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var response = await httpFactory.CreateClient(nameof(LocalAutoscaler)).SendAsync(request, timeout.Token).ConfigureAwait(false);
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false));
            var root = document.RootElement;
            if (!response.IsSuccessStatusCode)
            {
                var message = root.TryGetProperty("message", out var m) ? m.GetString() : response.ReasonPhrase;
                return HpaMetricReading.Failed($"unable to fetch metrics from custom metrics API: {message}");
            }

            var values = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var item in root.GetProperty("items").EnumerateArray())
            {
                var name = item.GetProperty("describedObject").GetProperty("name").GetString();
                if (name is not null && MilliQuantity.TryParse(item.GetProperty("value").GetString(), out var milli))
                {
                    values[name] = milli;
                }
            }

            return new HpaMetricReading(PodValues: values);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or OperationCanceledException)
        {
            return HpaMetricReading.Failed($"unable to fetch metrics from custom metrics API: {e.Message}");
        }
    }

    private static string Format(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static string FormatMilli(long? milli) =>
        milli is { } m ? (m / 1000d).ToString("0.###", CultureInfo.InvariantCulture) : "-";

    /// <summary>One autoscaled resource, its spec, its HPA resource and (once built) its controller.</summary>
    private sealed record Target(ProjectResource Resource, AutoscalingAnnotation Spec, HorizontalPodAutoscalerResource Hpa)
    {
        private HpaController? _controller;

        /// <summary>Gets or sets the exporter of its decisions to the dashboard, once the dashboard is up.</summary>
        public AutoscalerTelemetry? Telemetry { get; set; }

        public HpaController Controller(IConfiguration configuration) => _controller ??= new HpaController(Spec.MinReplicas, Spec.MaxReplicas,
            [HpaMetric.PodsAverage(Spec.Metric, Spec.AverageValue)], Spec.Behavior,
            configuration.GetValue("Autoscaling:Tolerance", 0.1),
            configuration.GetValue<TimeSpan?>("Autoscaling:DownscaleStabilization") ?? Spec.ScaleDownStabilization);
    }
}
