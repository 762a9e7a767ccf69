namespace VllmAspire.Hosting.Autoscaling;

/// <summary>
/// The HorizontalPodAutoscaler controller's algorithm for one HPA, exactly as kube-controller-manager runs it
/// (reference/metrics.md §4): per-metric proposals with tolerance and missing/unready pod handling, the maximum over
/// metrics with the invalid-metric rules, then the legacy normalisation or the one with <c>behavior</c>
/// (stabilisation windows and rate policies). It keeps the controller's in-memory recommendation and scale-event
/// history, so one instance must see every sync of its HPA. Pure: time is passed in, nothing is fetched.
/// </summary>
public sealed class HpaController
{
    private static readonly HpaScalingPolicy[] DefaultScaleUpPolicies = [new(HpaPolicyType.Pods, 4, 15), new(HpaPolicyType.Percent, 100, 15)];
    private static readonly HpaScalingPolicy[] DefaultScaleDownPolicies = [new(HpaPolicyType.Percent, 100, 15)];

    private readonly List<(int Replicas, DateTimeOffset At)> _recommendations = [];
    private readonly List<(int Change, DateTimeOffset At)> _scaleUpEvents = [];
    private readonly List<(int Change, DateTimeOffset At)> _scaleDownEvents = [];
    private bool _seen;

    /// <summary>Initializes the controller for one HPA.</summary>
    /// <param name="minReplicas">The fewest replicas (<c>spec.minReplicas</c>, default 1).</param>
    /// <param name="maxReplicas">The most replicas.</param>
    /// <param name="metrics">The metrics, in spec order.</param>
    /// <param name="behavior">The behavior, or null for the legacy path.</param>
    /// <param name="tolerance">The controller's <c>--horizontal-pod-autoscaler-tolerance</c>.</param>
    /// <param name="downscaleStabilization">The controller's <c>--horizontal-pod-autoscaler-downscale-stabilization</c>.</param>
    public HpaController(int minReplicas, int maxReplicas, IReadOnlyList<HpaMetric> metrics, HpaBehavior? behavior = null,
        double tolerance = 0.1, TimeSpan? downscaleStabilization = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (minReplicas < 0 || maxReplicas < Math.Max(1, minReplicas))
        {
            throw new ArgumentException($"HPA needs 0 <= minReplicas ({minReplicas}) <= maxReplicas ({maxReplicas}) and maxReplicas >= 1.");
        }

        if (metrics.Count == 0 || metrics.Any(m => m.TargetMilli <= 0))
        {
            throw new ArgumentException("HPA needs at least one metric, each with a target above 0.", nameof(metrics));
        }

        MinReplicas = minReplicas;
        MaxReplicas = maxReplicas;
        Metrics = metrics;
        Behavior = behavior;
        Tolerance = tolerance;
        DownscaleStabilization = downscaleStabilization ?? TimeSpan.FromMinutes(5);
    }

    /// <summary>Gets the fewest replicas.</summary>
    public int MinReplicas { get; }

    /// <summary>Gets the most replicas.</summary>
    public int MaxReplicas { get; }

    /// <summary>Gets the metrics.</summary>
    public IReadOnlyList<HpaMetric> Metrics { get; }

    /// <summary>Gets the behavior (null: legacy normalisation).</summary>
    public HpaBehavior? Behavior { get; }

    /// <summary>Gets the controller-wide tolerance.</summary>
    public double Tolerance { get; }

    /// <summary>Gets the controller-wide downscale stabilisation window.</summary>
    public TimeSpan DownscaleStabilization { get; }

    /// <summary>Runs one sync (<c>reconcileAutoscaler</c>) and records its history; the caller applies the result.</summary>
    /// <param name="observation">The scale subresource, pods and metric readings.</param>
    /// <param name="now">The time of the sync.</param>
    /// <returns>The decision.</returns>
    public HpaDecision Evaluate(HpaObservation observation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(observation);
        if (observation.Readings.Count != Metrics.Count)
        {
            throw new ArgumentException($"Expected {Metrics.Count} metric readings, got {observation.Readings.Count}.", nameof(observation));
        }

        var current = observation.SpecReplicas;
        if (!_seen)
        {
            // The first sight counts as a recommendation: the first window cannot scale below the starting size.
            _seen = true;
            _recommendations.Add((current, now));
        }

        if (current == 0 && MinReplicas != 0)
        {
            return new HpaDecision(now, current, 0, null, null, [], "ScalingDisabled: scaling is disabled since the replica count of the target is zero", null);
        }

        if (current > MaxReplicas)
        {
            return Finish(now, current, MaxReplicas, null, null, [], "Current number of replicas above Spec.MaxReplicas", null);
        }

        if (current < MinReplicas)
        {
            return Finish(now, current, MinReplicas, null, null, [], "Current number of replicas below Spec.MinReplicas", null);
        }

        var outcomes = new List<HpaMetricOutcome>();
        int proposal = 0;
        string? proposingMetric = null;
        var invalid = 0;
        string? firstError = null;
        for (var i = 0; i < Metrics.Count; i++)
        {
            var outcome = ComputeMetric(Metrics[i], observation.Readings[i], observation);
            outcomes.Add(outcome);
            if (outcome.Proposal is { } p)
            {
                if (p > proposal)
                {
                    proposal = p;
                    proposingMetric = Metrics[i].Name;
                }
            }
            else
            {
                invalid++;
                firstError ??= outcome.Error;
            }
        }

        if (invalid >= Metrics.Count || (invalid > 0 && proposal < current))
        {
            // The controller does not scale on partial data that points down.
            return new HpaDecision(now, current, current, null, null, outcomes,
                $"FailedComputeMetricsReplicas: invalid metrics ({invalid} invalid out of {Metrics.Count}), first error is: {firstError}", null);
        }

        var (stabilized, desired, limit) = Behavior is null
            ? NormalizeLegacy(current, proposal, now)
            : NormalizeWithBehavior(current, proposal, now);
        var reason = desired > current ? $"{proposingMetric} above target"
            : desired < current ? "All metrics below target"
            : proposal == current ? "metrics within tolerance of the target"
            : stabilized == current ? $"proposal {proposal} held at {current} by the stabilization window"
            : $"recommendation {stabilized} limited to {current} ({limit})";
        return Finish(now, current, desired, proposal, stabilized, outcomes, reason, limit);
    }

    private HpaDecision Finish(DateTimeOffset now, int current, int desired, int? proposal, int? stabilized, List<HpaMetricOutcome> outcomes, string reason, string? limit)
    {
        if (desired != current && Behavior is not null)
        {
            RecordScaleEvent(current, desired, now);
        }

        return new HpaDecision(now, current, desired, proposal, stabilized, outcomes, reason, limit);
    }

    private HpaMetricOutcome ComputeMetric(HpaMetric metric, HpaMetricReading reading, HpaObservation observation)
    {
        if (reading.Error is { } error)
        {
            return new HpaMetricOutcome(metric.Name, null, metric.TargetMilli, null, $"unable to get metric {metric.Name}: {error}");
        }

        var current = observation.SpecReplicas;
        switch (metric.Source, metric.TargetType)
        {
            case (HpaMetricSource.Pods, HpaTargetType.AverageValue):
                if (reading.PodValues is not { } values)
                {
                    return new HpaMetricOutcome(metric.Name, null, metric.TargetMilli, null, $"unable to get metric {metric.Name}: no per-pod values");
                }

                if (values.Count == 0)
                {
                    return new HpaMetricOutcome(metric.Name, null, metric.TargetMilli, null, $"unable to get metric {metric.Name}: no metrics returned from custom metrics API");
                }

                return CalcPlainMetricReplicas(metric, values, current, observation.Pods);

            case (HpaMetricSource.Object or HpaMetricSource.External, HpaTargetType.Value) when reading.Value is { } value:
            {
                var ratio = (double)value / metric.TargetMilli;
                int replicas;
                if (current == 0)
                {
                    replicas = CeilToInt(ratio);
                }
                else
                {
                    var ready = observation.Pods.Count(p => p.Phase == HpaPodPhase.Running && p.Ready && !p.Deleting);
                    replicas = IsWithin(ratio) ? current : CeilToInt(ratio * ready);
                }

                return new HpaMetricOutcome(metric.Name, value, metric.TargetMilli, replicas, null);
            }

            case (HpaMetricSource.Object or HpaMetricSource.External, HpaTargetType.AverageValue) when reading.Value is { } value:
            {
                var status = observation.StatusReplicas;
                var ratio = value / ((double)metric.TargetMilli * status);
                var replicas = IsWithin(ratio) ? status : CeilToInt((double)value / metric.TargetMilli);
                var average = status == 0 ? value : (long)Math.Ceiling((double)value / status);
                return new HpaMetricOutcome(metric.Name, average, metric.TargetMilli, replicas, null);
            }

            default:
                return new HpaMetricOutcome(metric.Name, null, metric.TargetMilli, null, $"unable to get metric {metric.Name}: {metric.Source} with a {metric.TargetType} target needs {(metric.Source == HpaMetricSource.Pods ? "per-pod values" : "one value")}");
        }
    }

    // calcPlainMetricReplicas with groupPods (reference §4.4): readiness is not consulted for custom metrics.
    private HpaMetricOutcome CalcPlainMetricReplicas(HpaMetric metric, IReadOnlyDictionary<string, long> values, int current, IReadOnlyList<HpaPod> pods)
    {
        var target = metric.TargetMilli;
        if (pods.Count == 0)
        {
            return new HpaMetricOutcome(metric.Name, null, target, null, $"unable to get metric {metric.Name}: no pods returned by selector while calculating replica count");
        }

        var metrics = new Dictionary<string, long>(values, StringComparer.Ordinal);
        var unready = new List<string>();
        var missing = new List<string>();
        var readyCount = 0;
        foreach (var pod in pods)
        {
            if (pod.Deleting || pod.Phase == HpaPodPhase.Failed)
            {
                metrics.Remove(pod.Name);
            }
            else if (pod.Phase == HpaPodPhase.Pending)
            {
                unready.Add(pod.Name);
                metrics.Remove(pod.Name);
            }
            else if (!metrics.ContainsKey(pod.Name))
            {
                missing.Add(pod.Name);
            }
            else
            {
                readyCount++;
            }
        }

        // What the metrics API returned and how the pods were classified, for the decision's record.
        var inputs = (Values: (IReadOnlyDictionary<string, long>)new Dictionary<string, long>(values, StringComparer.Ordinal), Missing: (IReadOnlyList<string>)[.. missing], Unready: (IReadOnlyList<string>)[.. unready]);
        if (metrics.Count == 0)
        {
            return WithInputs(new HpaMetricOutcome(metric.Name, null, target, null, $"unable to get metric {metric.Name}: did not receive metrics for targeted pods (pods might be unready)"), inputs);
        }

        // Integer milli average, float ratio: the controller's arithmetic.
        var usage = metrics.Values.Sum() / metrics.Count;
        var ratio = (double)usage / target;
        var scaleUpWithUnready = unready.Count > 0 && ratio > 1.0;
        if (!scaleUpWithUnready && missing.Count == 0)
        {
            var replicas = IsWithin(ratio) ? current : CeilToInt(ratio * readyCount);
            return WithInputs(new HpaMetricOutcome(metric.Name, usage, target, replicas, null), inputs);
        }

        if (missing.Count > 0)
        {
            // Dampen: on the way down a missing pod is assumed at target, on the way up idle.
            foreach (var name in missing)
            {
                if (ratio < 1.0)
                {
                    metrics[name] = target;
                }
                else if (ratio > 1.0)
                {
                    metrics[name] = 0;
                }
            }
        }

        if (scaleUpWithUnready)
        {
            foreach (var name in unready)
            {
                metrics[name] = 0;
            }
        }

        var newRatio = (double)(metrics.Values.Sum() / metrics.Count) / target;
        if (IsWithin(newRatio) || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0))
        {
            return WithInputs(new HpaMetricOutcome(metric.Name, usage, target, current, null), inputs);
        }

        var newReplicas = CeilToInt(newRatio * metrics.Count);
        if ((newRatio < 1.0 && newReplicas > current) || (newRatio > 1.0 && newReplicas < current))
        {
            newReplicas = current;
        }

        return WithInputs(new HpaMetricOutcome(metric.Name, usage, target, newReplicas, null), inputs);
    }

    private static HpaMetricOutcome WithInputs(HpaMetricOutcome outcome, (IReadOnlyDictionary<string, long> Values, IReadOnlyList<string> Missing, IReadOnlyList<string> Unready) inputs) =>
        outcome with { PodValues = inputs.Values, MissingPods = inputs.Missing, UnreadyPods = inputs.Unready };

    private bool IsWithin(double ratio)
    {
        var up = Behavior?.ScaleUp?.Tolerance ?? Tolerance;
        var down = Behavior?.ScaleDown?.Tolerance ?? Tolerance;
        return 1.0 - down <= ratio && ratio <= 1.0 + up;
    }

    private (int Stabilized, int Desired, string Limit) NormalizeLegacy(int current, int proposal, DateTimeOffset now)
    {
        var cutoff = now - DownscaleStabilization;
        var stabilized = proposal;
        var oldIndex = -1;
        for (var i = 0; i < _recommendations.Count; i++)
        {
            if (_recommendations[i].At < cutoff)
            {
                oldIndex = i;
            }
            else if (_recommendations[i].Replicas > stabilized)
            {
                stabilized = _recommendations[i].Replicas;
            }
        }

        Store(oldIndex, proposal, now);

        var scaleUpLimit = Math.Max(2 * current, 4);
        var (maxAllowed, maxReason) = MaxReplicas > scaleUpLimit ? (scaleUpLimit, "ScaleUpLimit") : (MaxReplicas, "TooManyReplicas");
        var minAllowed = MinReplicas == 0 ? 1 : MinReplicas;
        if (stabilized < minAllowed)
        {
            return (stabilized, minAllowed, "TooFewReplicas");
        }

        return stabilized > maxAllowed ? (stabilized, maxAllowed, maxReason) : (stabilized, stabilized, "DesiredWithinRange");
    }

    private (int Stabilized, int Desired, string Limit) NormalizeWithBehavior(int current, int proposal, DateTimeOffset now)
    {
        var upWindow = TimeSpan.FromSeconds(Behavior!.ScaleUp?.StabilizationWindowSeconds ?? 0);
        var downWindow = Behavior.ScaleDown?.StabilizationWindowSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : DownscaleStabilization;
        var upCutoff = now - upWindow;
        var downCutoff = now - downWindow;
        var up = proposal;
        var down = proposal;
        var oldIndex = -1;
        for (var i = 0; i < _recommendations.Count; i++)
        {
            var (replicas, at) = _recommendations[i];
            if (at > upCutoff)
            {
                up = Math.Min(up, replicas);
            }

            if (at > downCutoff)
            {
                down = Math.Max(down, replicas);
            }

            if (at < upCutoff && at < downCutoff)
            {
                oldIndex = i;
            }
        }

        var stabilized = current;
        if (stabilized < up)
        {
            stabilized = up;
        }

        if (stabilized > down)
        {
            stabilized = down;
        }

        Store(oldIndex, proposal, now);

        if (stabilized > current)
        {
            var limit = Math.Max(current, ScaleUpLimit(current, now));
            var (maxAllowed, reason) = MaxReplicas > limit ? (limit, "ScaleUpLimit") : (MaxReplicas, "TooManyReplicas");
            return stabilized > maxAllowed ? (stabilized, maxAllowed, reason) : (stabilized, stabilized, "DesiredWithinRange");
        }

        if (stabilized < current)
        {
            var limit = Math.Min(current, ScaleDownLimit(current, now));
            var (minAllowed, reason) = MinReplicas < limit ? (limit, "ScaleDownLimit") : (MinReplicas, "TooFewReplicas");
            return stabilized < minAllowed ? (stabilized, minAllowed, reason) : (stabilized, stabilized, "DesiredWithinRange");
        }

        return (stabilized, stabilized, "DesiredWithinRange");
    }

    private int ScaleUpLimit(int current, DateTimeOffset now)
    {
        var rules = Behavior!.ScaleUp;
        var select = rules?.SelectPolicy ?? HpaSelectPolicy.Max;
        if (select == HpaSelectPolicy.Disabled)
        {
            return current;
        }

        var policies = rules?.Policies is { Count: > 0 } given ? given : DefaultScaleUpPolicies;
        var result = select == HpaSelectPolicy.Min ? int.MaxValue : int.MinValue;
        foreach (var policy in policies)
        {
            var periodStart = current - ChangeWithin(_scaleUpEvents, policy.PeriodSeconds, now) + ChangeWithin(_scaleDownEvents, policy.PeriodSeconds, now);
            var proposed = policy.Type == HpaPolicyType.Pods
                ? periodStart + policy.Value
                : CeilToInt(periodStart * (1 + policy.Value / 100.0));
            result = select == HpaSelectPolicy.Min ? Math.Min(result, proposed) : Math.Max(result, proposed);
        }

        return result;
    }

    private int ScaleDownLimit(int current, DateTimeOffset now)
    {
        var rules = Behavior!.ScaleDown;
        var select = rules?.SelectPolicy ?? HpaSelectPolicy.Max;
        if (select == HpaSelectPolicy.Disabled)
        {
            return current;
        }

        var policies = rules?.Policies is { Count: > 0 } given ? given : DefaultScaleDownPolicies;
        var result = select == HpaSelectPolicy.Min ? int.MinValue : int.MaxValue;
        foreach (var policy in policies)
        {
            var periodStart = current - ChangeWithin(_scaleUpEvents, policy.PeriodSeconds, now) + ChangeWithin(_scaleDownEvents, policy.PeriodSeconds, now);
            var proposed = policy.Type == HpaPolicyType.Pods
                ? periodStart - policy.Value
                : (int)(periodStart * (1 - policy.Value / 100.0));
            // Max picks the largest change, i.e. the lowest limit.
            result = select == HpaSelectPolicy.Min ? Math.Max(result, proposed) : Math.Min(result, proposed);
        }

        return result;
    }

    private static int ChangeWithin(List<(int Change, DateTimeOffset At)> events, int periodSeconds, DateTimeOffset now)
    {
        var cutoff = now - TimeSpan.FromSeconds(periodSeconds);
        return events.Where(e => e.At > cutoff).Sum(e => e.Change);
    }

    private void RecordScaleEvent(int previous, int desired, DateTimeOffset now)
    {
        var (events, rules, defaults) = desired > previous
            ? (_scaleUpEvents, Behavior!.ScaleUp, DefaultScaleUpPolicies)
            : (_scaleDownEvents, Behavior!.ScaleDown, DefaultScaleDownPolicies);
        var longest = (rules?.Policies is { Count: > 0 } given ? given : defaults).Max(p => p.PeriodSeconds);
        events.RemoveAll(e => e.At <= now - TimeSpan.FromSeconds(longest));
        events.Add((Math.Abs(desired - previous), now));
    }

    private void Store(int oldIndex, int proposal, DateTimeOffset now)
    {
        if (oldIndex >= 0)
        {
            _recommendations[oldIndex] = (proposal, now);
        }
        else
        {
            _recommendations.Add((proposal, now));
        }
    }

    private static int CeilToInt(double value) => value >= int.MaxValue ? int.MaxValue : (int)Math.Ceiling(value);
}
