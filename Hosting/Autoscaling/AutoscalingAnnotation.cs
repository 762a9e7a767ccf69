using VllmAspire.Hosting.Autoscaling;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A horizontal pod autoscaler for the resource: between <paramref name="MinReplicas"/> and <paramref name="MaxReplicas"/>,
/// keeping the per-pod average of <paramref name="Metric"/> at <paramref name="AverageValue"/>. Published as an
/// <c>autoscaling/v2</c> HorizontalPodAutoscaler; rehearsed locally by the AppHost with the same algorithm.
/// </summary>
/// <param name="MinReplicas">The fewest replicas, at least 1.</param>
/// <param name="MaxReplicas">The most replicas.</param>
/// <param name="Metric">The pod metric, e.g. <c>vllm:num_requests_waiting</c>.</param>
/// <param name="AverageValue">The target average per pod.</param>
public sealed record AutoscalingAnnotation(int MinReplicas, int MaxReplicas, string Metric, double AverageValue) : IResourceAnnotation
{
    /// <summary>Gets the scale-down stabilization window (the HPA's default is 300 s).</summary>
    public TimeSpan ScaleDownStabilization { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets the HPA's <c>spec.behavior</c>; null selects the controller's legacy normalisation.</summary>
    public HpaBehavior? Behavior { get; init; }

    /// <summary>Gets how often the autoscaler evaluates locally (the controller's default is 15 s).</summary>
    public TimeSpan SyncPeriod { get; init; } = TimeSpan.FromSeconds(15);
}
