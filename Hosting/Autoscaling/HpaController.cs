namespace VllmAspire.Hosting.Autoscaling;

/// <summary>
/// The HorizontalPodAutoscaler controller's algorithm for one HPA, exactly as kube-controller-manager runs it
/// (reference/metrics.md §4): per-metric proposals with tolerance and missing/unready pod handling, the maximum over
/// metrics with the invalid-metric rules, then the legacy normalisation or the one with <c>behavior</c>
/// (stabilisation windows and rate policies), and scaling to and from zero as <c>HPAScaleToZero</c> does (on by default
/// since Kubernetes 1.37). It keeps the controller's in-memory recommendation and scale-event history and the
/// <c>ScaledToZero</c> condition, so one instance must see every sync of its HPA. Pure: time is passed in, nothing is fetched.
/// </summary>
public sealed class HpaController
{
    private static readonly HpaScalingPolicy[] DefaultScaleUpPolicies = [new(HpaPolicyType.Pods, 4, 15), new(HpaPolicyType.Percent, 100, 15)];
    private static readonly HpaScalingPolicy[] DefaultScaleDownPolicies = [new(HpaPolicyType.Percent, 100, 15)];

    private readonly List<(int Replicas, DateTimeOffset At)> _recommendations = [];
    private readonly List<(int Change, DateTimeOffset At)> _scaleUpEvents = [];
    private readonly List<(int Change, DateTimeOffset At)> _scaleDownEvents = [];
    private bool _seen;
    private bool _scaledToZero;

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

        var conditions = new ConditionList();
        conditions.Set(HpaConditionType.AbleToScale, true, "SucceededGetScale");
        if (current == 0)
        {
            // HPAScaleToZero (on by default since 1.37): at zero the controller only computes metrics when it scaled the
            // target to zero itself (the ScaledToZero condition); a target scaled to zero by hand stays there.
            if (!(_scaledToZero && (MinReplicas != 0 || HasObjectOrExternalMetric)))
            {
                conditions.Set(HpaConditionType.ScalingActive, false, "ScalingDisabled");
                return new HpaDecision(now, current, 0, null, null, [], "ScalingDisabled: scaling is disabled since the replica count of the target is zero", null)
                {
                    Conditions = conditions.ToList(),
                };
            }
        }
        else if (current > MaxReplicas)
        {
            return Finish(now, current, MaxReplicas, null, null, [], "Current number of replicas above Spec.MaxReplicas", null, conditions);
        }
        else if (current < MinReplicas)
        {
            return Finish(now, current, MinReplicas, null, null, [], "Current number of replicas below Spec.MinReplicas", null, conditions);
        }

        var outcomes = new List<HpaMetricOutcome>();
        int? proposal = null;
        string? proposingMetric = null;
        var invalid = 0;
        string? firstError = null;
        string? firstInvalidReason = null;
        for (var i = 0; i < Metrics.Count; i++)
        {
            var outcome = ComputeMetric(Metrics[i], observation.Readings[i], observation);
            outcomes.Add(outcome);
            if (outcome.Proposal is { } p)
            {
                // The first valid proposal, then any larger one (computeReplicasForMetrics).
                if (proposal is null || p > proposal)
                {
                    proposal = p;
                    proposingMetric = Metrics[i].Name;
                }
            }
            else
            {
                invalid++;
                firstError ??= outcome.Error;
                firstInvalidReason ??= FailedGetReason(Metrics[i].Source);
            }
        }

        if (proposal is not { } proposed || (invalid > 0 && proposed < current))
        {
            // The controller does not scale on partial data that points down.
            conditions.Set(HpaConditionType.ScalingActive, false, firstInvalidReason!);
            return new HpaDecision(now, current, current, null, null, outcomes,
                $"FailedComputeMetricsReplicas: invalid metrics ({invalid} invalid out of {Metrics.Count}), first error is: {firstError}", null)
            {
                Conditions = conditions.ToList(),
            };
        }

        conditions.Set(HpaConditionType.ScalingActive, true, "ValidMetricFound");
        var (stabilized, desired, limit) = Behavior is null
            ? NormalizeLegacy(current, proposed, now)
            : NormalizeWithBehavior(current, proposed, now);
        conditions.Set(HpaConditionType.AbleToScale, true, stabilized == proposed ? "ReadyForNewScale"
            : Behavior is not null && proposed >= current ? "ScaleUpStabilized" : "ScaleDownStabilized");
        conditions.Set(HpaConditionType.ScalingLimited, desired != stabilized, limit);
        if (current == 0 && MinReplicas != 0 && desired < MinReplicas)
        {
            // Scaled to zero earlier, minReplicas raised since: come back to at least minReplicas.
            desired = MinReplicas;
        }

        // A rescale carries the controller's event reason (from the proposal, before normalisation); no change says why.
        var reason = desired != current
            ? proposed > current ? $"{proposingMetric} above target"
            : proposed < current ? "All metrics below target"
            : "Current number of replicas below Spec.MinReplicas"
            : proposed == current ? "metrics within tolerance of the target"
            : stabilized == current ? $"proposal {proposed} held at {current} by the stabilization window"
            : $"recommendation {stabilized} limited to {current} ({limit})";
        return Finish(now, current, desired, proposed, stabilized, outcomes, reason, limit, conditions);
    }

    /// <summary>
    /// Presets the controller's in-memory history, as kube-controller-manager's tests preset theirs: the recommendations
    /// (when given, even empty, the first sight records none), the scale events and whether the HPA scaled the target
    /// to zero itself.
    /// </summary>
    internal void Restore(IEnumerable<(int Replicas, DateTimeOffset At)>? recommendations,
        IEnumerable<(int Change, DateTimeOffset At)> scaleUpEvents, IEnumerable<(int Change, DateTimeOffset At)> scaleDownEvents, bool scaledToZero)
    {
        _recommendations.Clear();
        if (recommendations is not null)
        {
            _seen = true;
            _recommendations.AddRange(recommendations);
        }

        _scaleUpEvents.Clear();
        _scaleUpEvents.AddRange(scaleUpEvents);
        _scaleDownEvents.Clear();
        _scaleDownEvents.AddRange(scaleDownEvents);
        _scaledToZero = scaledToZero;
    }

    /// <summary>Gets the stored (unstabilised) recommendations, oldest slot first.</summary>
    internal IReadOnlyList<int> StoredRecommendations => [.. _recommendations.Select(r => r.Replicas)];

    private bool HasObjectOrExternalMetric => Metrics.Any(m => m.Source is HpaMetricSource.Object or HpaMetricSource.External);

    private static string FailedGetReason(HpaMetricSource source) => source switch
    {
        HpaMetricSource.Pods => "FailedGetPodsMetric",
        HpaMetricSource.Object => "FailedGetObjectMetric",
        _ => "FailedGetExternalMetric",
    };

    private HpaDecision Finish(DateTimeOffset now, int current, int desired, int? proposal, int? stabilized, List<HpaMetricOutcome> outcomes, string reason, string? limit, ConditionList conditions)
    {
        if (desired != current)
        {
            conditions.Set(HpaConditionType.AbleToScale, true, "SucceededRescale");
            if (Behavior is not null)
            {
                RecordScaleEvent(current, desired, now);
            }

            // Set on every rescale so it is never stale: only the controller's own scale-in to zero sets it.
            _scaledToZero = current > 0 && desired == 0 && MinReplicas == 0 && HasObjectOrExternalMetric;
            conditions.Set(HpaConditionType.ScaledToZero, _scaledToZero, _scaledToZero ? "ScaledToZero" : "NotScaledToZero");
        }

        return new HpaDecision(now, current, desired, proposal, stabilized, outcomes, reason, limit) { Conditions = conditions.ToList() };
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
                // getUsageRatioReplicaCount: from zero the ratio alone decides; otherwise the tolerance, then the ready pods.
                var ratio = (double)value / metric.TargetMilli;
                int replicas;
                if (current == 0)
                {
                    replicas = CeilToInt(ratio);
                }
                else if (IsWithin(ratio))
                {
                    replicas = current;
                }
                else if (observation.Pods.Count == 0)
                {
                    return new HpaMetricOutcome(metric.Name, value, metric.TargetMilli, null,
                        $"unable to get metric {metric.Name}: unable to calculate ready pods: no pods returned by selector while calculating replica count");
                }
                else
                {
                    // Running and Ready, whether or not the pod is being deleted (getReadyPodsCount).
                    var ready = observation.Pods.Count(p => p.Phase == HpaPodPhase.Running && p.Ready);
                    replicas = CeilToInt(ratio * ready);
                }

                return new HpaMetricOutcome(metric.Name, value, metric.TargetMilli, replicas, null);
            }

            case (HpaMetricSource.Object or HpaMetricSource.External, HpaTargetType.AverageValue) when reading.Value is { } value:
            {
                var status = observation.StatusReplicas;
                var ratio = value / ((double)metric.TargetMilli * status);
                var replicas = IsWithin(ratio) ? status : CeilToInt((double)value / metric.TargetMilli);
                return new HpaMetricOutcome(metric.Name, PerPodUsage(value, status), metric.TargetMilli, replicas, null);
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

        var (readyCount, unready, missing, ignored) = GroupPods(pods, values);
        var metrics = new Dictionary<string, long>(values, StringComparer.Ordinal);
        foreach (var name in ignored.Concat(unready))
        {
            metrics.Remove(name);
        }

        // What the metrics API returned and how the pods were classified, kept on every outcome for the decision's record.
        var classified = new HpaMetricOutcome(metric.Name, null, target, null, null)
        {
            PodValues = new Dictionary<string, long>(values, StringComparer.Ordinal),
            MissingPods = missing,
            UnreadyPods = unready,
            IgnoredPods = ignored,
        };
        if (metrics.Count == 0)
        {
            return classified with { Error = $"unable to get metric {metric.Name}: did not receive metrics for targeted pods (pods might be unready)" };
        }

        // Integer milli average, float ratio: the controller's arithmetic.
        var usage = Sum(metrics.Values) / metrics.Count;
        var ratio = (double)usage / target;
        var scaleUpWithUnready = unready.Count > 0 && ratio > 1.0;
        if (!scaleUpWithUnready && missing.Count == 0)
        {
            var replicas = IsWithin(ratio) ? current : CeilToInt(ratio * readyCount);
            return classified with { CurrentMilli = usage, Proposal = replicas };
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

        var newRatio = (double)(Sum(metrics.Values) / metrics.Count) / target;
        if (IsWithin(newRatio) || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0))
        {
            return classified with { CurrentMilli = usage, Proposal = current };
        }

        var newReplicas = CeilToInt(newRatio * metrics.Count);
        if ((newRatio < 1.0 && newReplicas > current) || (newRatio > 1.0 && newReplicas < current))
        {
            newReplicas = current;
        }

        return classified with { CurrentMilli = usage, Proposal = newReplicas };
    }

    /// <summary>
    /// groupPods for custom metrics: pods being deleted, Failed or Succeeded are ignored, Pending ones unready, Running
    /// ones without a value missing, the rest ready (readiness is only consulted for CPU, which we do not implement).
    /// </summary>
    internal static (int Ready, IReadOnlyList<string> Unready, IReadOnlyList<string> Missing, IReadOnlyList<string> Ignored) GroupPods(
        IEnumerable<HpaPod> pods, IReadOnlyDictionary<string, long> values)
    {
        var unready = new List<string>();
        var missing = new List<string>();
        var ignored = new List<string>();
        var ready = 0;
        foreach (var pod in pods)
        {
            if (pod.Deleting || pod.Phase is HpaPodPhase.Failed or HpaPodPhase.Succeeded)
            {
                ignored.Add(pod.Name);
            }
            else if (pod.Phase == HpaPodPhase.Pending)
            {
                unready.Add(pod.Name);
            }
            else if (!values.ContainsKey(pod.Name))
            {
                missing.Add(pod.Name);
            }
            else
            {
                ready++;
            }
        }

        return (ready, unready, missing, ignored);
    }

    // int64 addition as Go does it: wraps rather than throwing on overflow.
    private static long Sum(IEnumerable<long> values)
    {
        var sum = 0L;
        foreach (var value in values)
        {
            sum = unchecked(sum + value);
        }

        return sum;
    }

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
        if (stabilized < MinReplicas)
        {
            return (stabilized, MinReplicas, "TooFewReplicas");
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

    /// <summary>ceilToInt32: rounds up, saturating at the int range (NaN gives 0).</summary>
    internal static int CeilToInt(double value)
    {
        var ceiling = Math.Ceiling(value);
        return double.IsNaN(ceiling) ? 0 : ceiling >= int.MaxValue ? int.MaxValue : ceiling <= int.MinValue ? int.MinValue : (int)ceiling;
    }

    /// <summary>getPerPodUsage: the per-pod share of an AverageValue target's value, 0 with no replicas, saturating.</summary>
    internal static long PerPodUsage(long usage, int statusReplicas)
    {
        if (statusReplicas == 0)
        {
            return 0;
        }

        var perPod = Math.Ceiling((double)usage / statusReplicas);
        return perPod >= long.MaxValue ? long.MaxValue : (long)perPod;
    }

    // The conditions one sync sets on the HPA's status, in the order first set; setting a type again replaces it.
    private sealed class ConditionList
    {
        private readonly List<HpaCondition> _list = [];

        public void Set(HpaConditionType type, bool status, string reason)
        {
            var index = _list.FindIndex(c => c.Type == type);
            if (index >= 0)
            {
                _list[index] = new HpaCondition(type, status, reason);
            }
            else
            {
                _list.Add(new HpaCondition(type, status, reason));
            }
        }

        public IReadOnlyList<HpaCondition> ToList() => [.. _list];
    }
}
