using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Dashboard;

/// <summary>The autoscaling page's and API's one view of the model's HPAs and the local autoscaler's decisions.</summary>
internal static class AutoscalingView
{
    /// <summary>Lists every resource with autoscaling and its kept decisions.</summary>
    /// <param name="model">The application model.</param>
    /// <param name="store">The decisions, or null when nothing autoscales.</param>
    /// <returns>One entry per HPA, in model order.</returns>
    public static IReadOnlyList<AutoscalingDto> Build(DistributedApplicationModel model, AutoscalingDecisionStore? store) =>
        [.. model.Resources
            .Where(r => r.Annotations.OfType<AutoscalingAnnotation>().Any())
            .Select(r =>
            {
                var spec = r.Annotations.OfType<AutoscalingAnnotation>().Last();
                var decisions = store?.GetDecisions(r.Name).Select(d => ToDto(d.Decision)).ToList() ?? [];
                return new AutoscalingDto(r.Name, spec.MinReplicas, spec.MaxReplicas, spec.Metric, spec.AverageValue, decisions);
            })];

    /// <summary>Converts a decision to its API shape, milli-values to the metric's units.</summary>
    /// <param name="decision">The decision.</param>
    /// <returns>The DTO.</returns>
    public static DecisionDto ToDto(HpaDecision decision) => new(
        decision.Time,
        decision.CurrentReplicas,
        decision.DesiredReplicas,
        decision.Proposal,
        decision.Stabilized,
        decision.Limit,
        decision.Reason,
        [.. decision.Metrics.Select(m => new DecisionMetricDto(
            m.Name,
            m.CurrentMilli / 1000d,
            m.TargetMilli / 1000d,
            m.Proposal,
            m.Error,
            (m.PodValues ?? new Dictionary<string, long>()).OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value / 1000d, StringComparer.Ordinal),
            m.MissingPods,
            m.UnreadyPods))]);
}
