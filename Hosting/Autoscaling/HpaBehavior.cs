namespace VllmAspire.Hosting.Autoscaling;

/// <summary>
/// An HPA's <c>spec.behavior</c> (<c>autoscaling/v2</c>). Fields left null take Kubernetes' defaults, merged
/// field by field; an HPA with no behavior at all uses the legacy normalisation (reference/metrics.md §4.7).
/// </summary>
/// <param name="ScaleUp">Scale-up rules; defaults: no stabilisation, max of +4 pods and +100% per 15 s.</param>
/// <param name="ScaleDown">Scale-down rules; defaults: the controller's 300 s window, -100% per 15 s.</param>
public sealed record HpaBehavior(HpaScalingRules? ScaleUp = null, HpaScalingRules? ScaleDown = null);

/// <summary>Scaling rules for one direction (<c>HPAScalingRules</c>).</summary>
/// <param name="StabilizationWindowSeconds">How far back recommendations are considered (0–3600).</param>
/// <param name="SelectPolicy">Which policy wins when several apply.</param>
/// <param name="Policies">The rate limits; empty or null takes the default.</param>
/// <param name="Tolerance">The tolerance for this direction (Kubernetes 1.33+, <c>HPAConfigurableTolerance</c>); null uses the controller's 0.1.</param>
public sealed record HpaScalingRules(
    int? StabilizationWindowSeconds = null,
    HpaSelectPolicy? SelectPolicy = null,
    IReadOnlyList<HpaScalingPolicy>? Policies = null,
    double? Tolerance = null);

/// <summary>One rate limit (<c>HPAScalingPolicy</c>).</summary>
/// <param name="Type">Pods or Percent.</param>
/// <param name="Value">The number of pods or the percentage, above 0.</param>
/// <param name="PeriodSeconds">The window the limit applies to (1–1800).</param>
public sealed record HpaScalingPolicy(HpaPolicyType Type, int Value, int PeriodSeconds);

/// <summary>The kind of a scaling policy.</summary>
public enum HpaPolicyType
{
    /// <summary>An absolute number of pods.</summary>
    Pods,

    /// <summary>A percentage of the replicas at the start of the period.</summary>
    Percent,
}

/// <summary>How policies combine.</summary>
public enum HpaSelectPolicy
{
    /// <summary>The policy allowing the largest change.</summary>
    Max,

    /// <summary>The policy allowing the smallest change.</summary>
    Min,

    /// <summary>No scaling in this direction.</summary>
    Disabled,
}
