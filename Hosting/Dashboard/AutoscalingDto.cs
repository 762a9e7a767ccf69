namespace VllmAspire.Hosting.Dashboard;

/// <summary>One HPA of the model with the local autoscaler's decisions, as <c>GET /api/autoscaling</c> returns it.</summary>
/// <param name="Resource">The scaled resource.</param>
/// <param name="MinReplicas">The fewest replicas.</param>
/// <param name="MaxReplicas">The most replicas.</param>
/// <param name="Metric">The pod metric.</param>
/// <param name="Target">The target average per pod.</param>
/// <param name="Decisions">Every kept decision, oldest first.</param>
public sealed record AutoscalingDto(string Resource, int MinReplicas, int MaxReplicas, string Metric, double Target, IReadOnlyList<DecisionDto> Decisions);

/// <summary>One decision of the local autoscaler.</summary>
/// <param name="Time">When it was taken.</param>
/// <param name="CurrentReplicas">The replicas before.</param>
/// <param name="DesiredReplicas">The replicas after.</param>
/// <param name="Proposal">The largest per-metric proposal, if the metrics were valid.</param>
/// <param name="Stabilized">The recommendation after the stabilisation window, if normalisation ran.</param>
/// <param name="Limit">The limit that applied (<c>DesiredWithinRange</c>, <c>ScaleUpLimit</c>, <c>TooManyReplicas</c>, ...).</param>
/// <param name="Reason">Why, in the controller's words.</param>
/// <param name="Metrics">Each metric's inputs and proposal.</param>
public sealed record DecisionDto(
    DateTimeOffset Time,
    int CurrentReplicas,
    int DesiredReplicas,
    int? Proposal,
    int? Stabilized,
    string? Limit,
    string Reason,
    IReadOnlyList<DecisionMetricDto> Metrics);

/// <summary>One metric's part in a decision, in the metric's own units.</summary>
/// <param name="Name">The metric.</param>
/// <param name="Current">The average per pod the controller computed, if read.</param>
/// <param name="Target">The target average per pod.</param>
/// <param name="Proposal">The replicas this metric proposes, if valid.</param>
/// <param name="Error">Why it is invalid, if it is.</param>
/// <param name="PodValues">The value the metrics API returned for each pod.</param>
/// <param name="MissingPods">Running pods without a value.</param>
/// <param name="UnreadyPods">Pods not yet running.</param>
public sealed record DecisionMetricDto(
    string Name,
    double? Current,
    double Target,
    int? Proposal,
    string? Error,
    IReadOnlyDictionary<string, double> PodValues,
    IReadOnlyList<string> MissingPods,
    IReadOnlyList<string> UnreadyPods);
