namespace VllmAspire.Hosting.Autoscaling;

/// <summary>One metric of an HPA, with its target in milli-units (<c>Quantity.MilliValue()</c>, as the controller computes).</summary>
/// <param name="Source">Where the metric comes from.</param>
/// <param name="Name">The metric name (Prometheus or Google form).</param>
/// <param name="TargetType">Value or AverageValue.</param>
/// <param name="TargetMilli">The target, in milli-units, above 0.</param>
public sealed record HpaMetric(HpaMetricSource Source, string Name, HpaTargetType TargetType, long TargetMilli)
{
    /// <summary>A <c>type: Pods</c> metric with an <c>AverageValue</c> target (the vLLM queue case).</summary>
    /// <param name="name">The metric name.</param>
    /// <param name="averageValue">The target average per pod.</param>
    /// <returns>The metric.</returns>
    public static HpaMetric PodsAverage(string name, double averageValue) =>
        new(HpaMetricSource.Pods, name, HpaTargetType.AverageValue, (long)Math.Ceiling(averageValue * 1000));
}

/// <summary>The metric types the local autoscaler evaluates.</summary>
public enum HpaMetricSource
{
    /// <summary>A per-pod metric, averaged over the target's pods.</summary>
    Pods,

    /// <summary>A metric of one object (or the namespace).</summary>
    Object,

    /// <summary>An external metric (items summed).</summary>
    External,
}

/// <summary>The target kind of a metric.</summary>
public enum HpaTargetType
{
    /// <summary>The metric's total value.</summary>
    Value,

    /// <summary>The value per pod.</summary>
    AverageValue,
}
