using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VllmAspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Orchestration;

namespace VllmAspire.Hosting.Autoscaling;

/// <summary>
/// The local stand-in for kube-controller-manager's HPA controller: every sync period, for each resource with
/// <see cref="AutoscalingAnnotation"/>, it reads the metric from the metrics adapter over HTTP exactly as the
/// controller does (<c>pods/*/{metric}?labelSelector=app={resource}</c>), runs <see cref="HpaController"/> and scales
/// the replicas through the orchestrator. Controller flags come from configuration <c>Autoscaling:SyncPeriod</c>,
/// <c>Autoscaling:DownscaleStabilization</c> and <c>Autoscaling:Tolerance</c>, else from the annotation.
/// </summary>
internal sealed class LocalAutoscaler(
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    ApplicationOrchestrator orchestrator,
    IHttpClientFactory httpFactory,
    AutoscalingDecisionStore store,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<LocalAutoscaler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var adapter = model.Resources.OfType<MetricsAdapterResource>().FirstOrDefault();
        var targets = model.Resources.Where(r => r.Annotations.OfType<AutoscalingAnnotation>().Any()).ToList();
        if (adapter is null || targets.Count == 0)
        {
            return;
        }

        var controllers = new Dictionary<IResource, (AutoscalingAnnotation Spec, HpaController Controller)>();
        foreach (var target in targets)
        {
            var spec = target.Annotations.OfType<AutoscalingAnnotation>().Last();
            var controller = new HpaController(spec.MinReplicas, spec.MaxReplicas,
                [HpaMetric.PodsAverage(spec.Metric, spec.AverageValue)], spec.Behavior,
                configuration.GetValue("Autoscaling:Tolerance", 0.1),
                configuration.GetValue<TimeSpan?>("Autoscaling:DownscaleStabilization") ?? spec.ScaleDownStabilization);
            controllers[target] = (spec, controller);
        }

        var period = configuration.GetValue<TimeSpan?>("Autoscaling:SyncPeriod") ?? controllers.Values.Min(c => c.Spec.SyncPeriod);
        try
        {
            await notifications.WaitForResourceAsync(adapter.Name, KnownResourceStates.Running, stoppingToken).ConfigureAwait(false);
            using var timer = new PeriodicTimer(period, time);
            do
            {
                foreach (var (target, (spec, controller)) in controllers)
                {
                    await SyncAsync(adapter, target, spec, controller, stoppingToken).ConfigureAwait(false);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SyncAsync(MetricsAdapterResource adapter, IResource target, AutoscalingAnnotation spec, HpaController controller, CancellationToken cancellationToken)
    {
        if (!notifications.TryGetCurrentState(target.Name, out var state) || state.Snapshot.State != KnownResourceStates.Running)
        {
            return;
        }

        // The replica list stands in for the informer's pods: starting replicas are Pending, running ones Running.
        var pods = new List<HpaPod>();
        foreach (var replica in state.Snapshot.Replicas)
        {
            if (replica.State == KnownResourceStates.Running)
            {
                pods.Add(new HpaPod(replica.Name, HpaPodPhase.Running, Ready: replica.Health == ResourceHealthStatus.Healthy));
            }
            else if (replica.State is KnownResourceStates.Starting or KnownResourceStates.Waiting)
            {
                pods.Add(new HpaPod(replica.Name, HpaPodPhase.Pending, Ready: false));
            }
        }

        var current = state.Snapshot.Replicas.Length;
        var reading = await ReadAsync(adapter, target, spec.Metric, cancellationToken).ConfigureAwait(false);
        var decision = controller.Evaluate(new HpaObservation(current, pods.Count, pods, [reading]), time.GetUtcNow());
        store.Add(new AutoscalingDecision(target.Name, decision));
        var outcome = decision.Metrics.FirstOrDefault();
        logger.LogInformation(
            "Autoscaler {Resource}: {Metric} average {Average} (target {Target}) over {Pods} pods; proposal {Proposal}, stabilised {Stabilized}, replicas {Current} -> {Desired} ({Limit}); {Reason}",
            target.Name, spec.Metric, FormatMilli(outcome?.CurrentMilli), FormatMilli(outcome?.TargetMilli), pods.Count,
            decision.Proposal?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-", decision.Stabilized?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
            decision.CurrentReplicas, decision.DesiredReplicas, decision.Limit ?? "-", decision.Reason);

        if (decision.Rescale && decision.DesiredReplicas >= 1)
        {
            try
            {
                await orchestrator.ScaleAsync(target.Name, decision.DesiredReplicas).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                logger.LogWarning("Autoscaler {Resource}: scaling to {Replicas} failed: {Error}", target.Name, decision.DesiredReplicas, e.Message);
            }
        }
    }

    private async Task<HpaMetricReading> ReadAsync(MetricsAdapterResource adapter, IResource target, string metric, CancellationToken cancellationToken)
    {
        var endpoint = adapter.GetEndpoints().FirstOrDefault()?.AllocatedEndpoint;
        if (endpoint is null || adapter.ApiToken is null)
        {
            return HpaMetricReading.Failed($"the metrics adapter '{adapter.Name}' has no endpoint or token yet");
        }

        var url = new Uri($"{endpoint.UriString}/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/%2A/{Uri.EscapeDataString(metric)}?labelSelector={Uri.EscapeDataString($"app={target.Name}")}");
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adapter.ApiToken.Value);
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

    private static string FormatMilli(long? milli) =>
        milli is { } m ? (m / 1000d).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : "-";
}
