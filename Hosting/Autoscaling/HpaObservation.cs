namespace VllmAspire.Hosting.Autoscaling;

/// <summary>What the controller sees in one sync: the scale subresource, the target's pods and each metric's reading.</summary>
/// <param name="SpecReplicas"><c>scale.spec.replicas</c>: the current replica count.</param>
/// <param name="StatusReplicas"><c>scale.status.replicas</c> (used by Object/External AverageValue).</param>
/// <param name="Pods">The pods the scale target's selector lists.</param>
/// <param name="Readings">One reading per metric of the spec, in order.</param>
public sealed record HpaObservation(int SpecReplicas, int StatusReplicas, IReadOnlyList<HpaPod> Pods, IReadOnlyList<HpaMetricReading> Readings);

/// <summary>A pod as the controller classifies it.</summary>
/// <param name="Name">The pod name.</param>
/// <param name="Phase">Pending, Running, Succeeded or Failed.</param>
/// <param name="Ready">Whether PodReady is True (only Object and External Value targets count ready pods).</param>
/// <param name="Deleting">Whether a deletion timestamp is set.</param>
public sealed record HpaPod(string Name, HpaPodPhase Phase, bool Ready = true, bool Deleting = false);

/// <summary>A pod phase.</summary>
public enum HpaPodPhase
{
    /// <summary>Not yet running.</summary>
    Pending,

    /// <summary>Running.</summary>
    Running,

    /// <summary>Completed.</summary>
    Succeeded,

    /// <summary>Failed.</summary>
    Failed,
}

/// <summary>One metric's reading from the metrics API: per-pod values, one object value, or an error.</summary>
/// <param name="PodValues">Milli-values by pod name (Pods metrics), exactly as the API returned them.</param>
/// <param name="Value">The object's milli-value, or the external items' sum (see <see cref="External"/>).</param>
/// <param name="Error">Why the metric could not be read (the metric is then invalid).</param>
public sealed record HpaMetricReading(IReadOnlyDictionary<string, long>? PodValues = null, long? Value = null, string? Error = null)
{
    /// <summary>A failed read.</summary>
    /// <param name="error">The error.</param>
    /// <returns>The reading.</returns>
    public static HpaMetricReading Failed(string error) => new(Error: error);

    /// <summary>An external metric's reading: the sum of the items the API returned, saturating at the largest value as the controller does.</summary>
    /// <param name="items">The items' milli-values.</param>
    /// <returns>The reading.</returns>
    public static HpaMetricReading External(IEnumerable<long> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var sum = 0L;
        foreach (var item in items)
        {
            if (item > 0 && sum > long.MaxValue - item)
            {
                return new HpaMetricReading(Value: long.MaxValue);
            }

            sum = unchecked(sum + item);
        }

        return new HpaMetricReading(Value: sum);
    }
}
