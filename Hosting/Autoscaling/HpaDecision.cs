namespace VllmAspire.Hosting.Autoscaling;

/// <summary>One HPA decision: its inputs, the per-metric proposals, the stabilised recommendation and the result.</summary>
/// <param name="Time">When it was taken.</param>
/// <param name="CurrentReplicas">The replicas before.</param>
/// <param name="DesiredReplicas">The replicas after (equal to current when nothing changes).</param>
/// <param name="Proposal">The largest per-metric proposal, before normalisation (null when metrics were invalid or skipped).</param>
/// <param name="Stabilized">The recommendation after the stabilisation window (null when normalisation did not run).</param>
/// <param name="Metrics">Each metric's outcome.</param>
/// <param name="Reason">Why (the controller's event message or condition reason).</param>
/// <param name="Limit">The ScalingLimited reason (<c>DesiredWithinRange</c>, <c>ScaleUpLimit</c>, <c>TooManyReplicas</c>, ...).</param>
public sealed record HpaDecision(
    DateTimeOffset Time,
    int CurrentReplicas,
    int DesiredReplicas,
    int? Proposal,
    int? Stabilized,
    IReadOnlyList<HpaMetricOutcome> Metrics,
    string Reason,
    string? Limit)
{
    /// <summary>Gets whether the replicas change.</summary>
    public bool Rescale => DesiredReplicas != CurrentReplicas;

    /// <summary>Gets the conditions this sync set on the HPA's status, as kube-controller-manager sets them, in the order first set.</summary>
    public IReadOnlyList<HpaCondition> Conditions { get; init; } = [];
}

/// <summary>One HPA status condition (<c>HorizontalPodAutoscalerCondition</c> without its message and time).</summary>
/// <param name="Type">The condition.</param>
/// <param name="Status">True or False.</param>
/// <param name="Reason">The controller's reason, e.g. <c>ValidMetricFound</c>, <c>ScaleDownStabilized</c>, <c>TooManyReplicas</c>.</param>
public sealed record HpaCondition(HpaConditionType Type, bool Status, string Reason);

/// <summary>The HPA status conditions the controller sets.</summary>
public enum HpaConditionType
{
    /// <summary>Whether the scale target could be read and updated, and whether a stabilisation window held the recommendation.</summary>
    AbleToScale,

    /// <summary>Whether the metrics gave a replica count (False: invalid metrics, or scaling disabled at zero replicas).</summary>
    ScalingActive,

    /// <summary>Whether the count was limited by minReplicas, maxReplicas or a rate limit.</summary>
    ScalingLimited,

    /// <summary>Whether the controller itself scaled the target to zero (HPAScaleToZero); only then it scales from zero.</summary>
    ScaledToZero,
}

/// <summary>One metric's part in a decision.</summary>
/// <param name="Name">The metric.</param>
/// <param name="CurrentMilli">The value the controller reports (average for Pods), in milli-units, if read.</param>
/// <param name="TargetMilli">The target in milli-units.</param>
/// <param name="Proposal">The replicas this metric proposes, if valid.</param>
/// <param name="Error">Why it is invalid, if it is.</param>
public sealed record HpaMetricOutcome(string Name, long? CurrentMilli, long TargetMilli, int? Proposal, string? Error)
{
    /// <summary>Gets the per-pod milli-values the metrics API returned (Pods metrics), by pod name.</summary>
    public IReadOnlyDictionary<string, long>? PodValues { get; init; }

    /// <summary>Gets the running pods the metrics API returned no value for (assumed at target or idle, as the controller does).</summary>
    public IReadOnlyList<string> MissingPods { get; init; } = [];

    /// <summary>Gets the pods left out as not yet running (counted as idle on a scale-up).</summary>
    public IReadOnlyList<string> UnreadyPods { get; init; } = [];

    /// <summary>Gets the pods left out entirely: being deleted, Failed or Succeeded.</summary>
    public IReadOnlyList<string> IgnoredPods { get; init; } = [];
}
