using VllmAspire.Hosting.Autoscaling;

namespace VllmAspire.Autoscaling.Tests;

// Every expected number below is computed by hand from reference/metrics.md §4; the comments show the arithmetic.
public sealed class HpaControllerTests
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly HpaMetric Waiting = HpaMetric.PodsAverage("vllm:num_requests_waiting", 10);

    private static HpaController Hpa(int min = 1, int max = 10, HpaBehavior? behavior = null, params HpaMetric[] metrics) =>
        new(min, max, metrics.Length == 0 ? [Waiting] : metrics, behavior);

    private static HpaPod Running(string name) => new(name, HpaPodPhase.Running);

    private static HpaObservation Pods(int current, IEnumerable<HpaPod> pods, Dictionary<string, long> values) =>
        new(current, current, [.. pods], [new HpaMetricReading(PodValues: values)]);

    private static HpaObservation Uniform(int current, long valuePerPod) =>
        Pods(current, Enumerable.Range(0, current).Select(i => Running($"p{i}")), Enumerable.Range(0, current).ToDictionary(i => $"p{i}", _ => valuePerPod));

    [Fact]
    public void Average_above_target_scales_by_the_ratio_times_ready_pods()
    {
        // avg (30000+10000)/2 = 20000m, ratio 2.0, ceil(2.0 × 2) = 4; legacy limit max(2×2, 4) = 4.
        var decision = Hpa().Evaluate(Pods(2, [Running("a"), Running("b")], new() { ["a"] = 30000, ["b"] = 10000 }), T0);

        Assert.Equal(4, decision.Proposal);
        Assert.Equal(4, decision.DesiredReplicas);
        Assert.Equal(20000, decision.Metrics[0].CurrentMilli);
        Assert.Equal("vllm:num_requests_waiting above target", decision.Reason);
    }

    [Theory]
    [InlineData(10900, 2)] // ratio 1.09: within 0.1
    [InlineData(9000, 2)]  // ratio 0.90: within (boundary)
    [InlineData(11100, 3)] // ratio 1.11: ceil(1.11 × 2) = 3
    public void Tolerance_keeps_the_current_count_within_ten_percent(long perPod, int expected) =>
        Assert.Equal(expected, Hpa().Evaluate(Uniform(2, perPod), T0).Proposal);

    [Fact]
    public void Average_is_integer_milli_division()
    {
        // (10000+10000+13001)/3 = 11000 (integer), ratio 1.1 → within; a float average 11000.33 would be outside.
        var decision = Hpa().Evaluate(Pods(3, [Running("a"), Running("b"), Running("c")], new() { ["a"] = 10000, ["b"] = 10000, ["c"] = 13001 }), T0);
        Assert.Equal(11000, decision.Metrics[0].CurrentMilli);
        Assert.Equal(3, decision.Proposal);
    }

    [Fact]
    public void Missing_pods_count_as_idle_when_scaling_up()
    {
        // a,b = 30000, c missing: ratio 3 → c := 0 → avg 20000, ratio 2 → ceil(2 × 3) = 6.
        var decision = Hpa().Evaluate(Pods(3, [Running("a"), Running("b"), Running("c")], new() { ["a"] = 30000, ["b"] = 30000 }), T0);
        Assert.Equal(6, decision.Proposal);
    }

    [Fact]
    public void The_decision_records_each_pods_value_and_which_pods_were_missing_or_not_ready()
    {
        // a = 30000 read, b running without a value (missing), c pending (unready); the dashboard shows these inputs.
        var decision = Hpa().Evaluate(Pods(3, [Running("a"), Running("b"), new HpaPod("c", HpaPodPhase.Pending, Ready: false)], new() { ["a"] = 30000 }), T0);
        var inputs = decision.Metrics[0];
        Assert.Equal(new Dictionary<string, long> { ["a"] = 30000 }, inputs.PodValues);
        Assert.Equal(["b"], inputs.MissingPods);
        Assert.Equal(["c"], inputs.UnreadyPods);
        Assert.Equal(30000, inputs.CurrentMilli);
    }

    [Fact]
    public void Missing_pods_count_as_at_target_when_scaling_down()
    {
        // a,b = 2000, c missing: ratio 0.2 → c := 10000 → avg 14000/3 = 4666, ratio 0.4666 → ceil(1.4) = 2.
        var decision = Hpa().Evaluate(Pods(3, [Running("a"), Running("b"), Running("c")], new() { ["a"] = 2000, ["b"] = 2000 }), T0);
        Assert.Equal(2, decision.Proposal);
    }

    [Fact]
    public void Missing_pod_that_flips_the_direction_keeps_the_current_count()
    {
        // a = 12000, b missing: ratio 1.2 → b := 0 → avg 6000, ratio 0.6 flips below 1 → keep 2.
        Assert.Equal(2, Hpa().Evaluate(Pods(2, [Running("a"), Running("b")], new() { ["a"] = 12000 }), T0).Proposal);
    }

    [Fact]
    public void Pending_pods_count_as_zero_only_when_scaling_up()
    {
        // up: a = 30000, b Pending: ratio 3 → b := 0 → avg 15000, ratio 1.5 → ceil(1.5 × 2) = 3.
        var up = Hpa().Evaluate(Pods(2, [Running("a"), new("b", HpaPodPhase.Pending)], new() { ["a"] = 30000 }), T0);
        Assert.Equal(3, up.Proposal);

        // down: a = 5000, b Pending: ratio 0.5 and no missing pods → fast path ceil(0.5 × 1 ready) = 1.
        var down = Hpa().Evaluate(Pods(2, [Running("a"), new("b", HpaPodPhase.Pending)], new() { ["a"] = 5000 }), T0);
        Assert.Equal(1, down.Proposal);
    }

    [Fact]
    public void Readiness_is_not_consulted_for_custom_pod_metrics()
    {
        // A Running-but-not-Ready pod with a value is a full vote: ratio 3, ceil(3 × 1) = 3.
        var decision = Hpa().Evaluate(Pods(1, [new("a", HpaPodPhase.Running, Ready: false)], new() { ["a"] = 30000 }), T0);
        Assert.Equal(3, decision.Proposal);
    }

    [Fact]
    public void Deleting_and_failed_pods_are_ignored_but_extraneous_items_stay_in_the_average()
    {
        // b (deleting) and c (failed) are dropped; "ghost" is not a pod of the HPA yet stays: avg (10000+30000)/2 = 20000,
        // ratio 2, ceil(2 × 1 ready) = 2. This is why the shim must only return existing pods.
        var decision = Hpa().Evaluate(Pods(1,
            [Running("a"), new("b", HpaPodPhase.Running, Deleting: true), new("c", HpaPodPhase.Failed)],
            new() { ["a"] = 10000, ["b"] = 500000, ["c"] = 500000, ["ghost"] = 30000 }), T0);
        Assert.Equal(20000, decision.Metrics[0].CurrentMilli);
        Assert.Equal(2, decision.Proposal);
    }

    [Fact]
    public void Empty_items_or_no_metrics_for_any_pod_is_an_invalid_metric_and_nothing_scales()
    {
        var empty = Hpa().Evaluate(Pods(2, [Running("a"), Running("b")], []), T0);
        Assert.Equal(2, empty.DesiredReplicas);
        Assert.Null(empty.Proposal);
        Assert.Contains("no metrics returned from custom metrics API", empty.Reason);

        var pendingOnly = Hpa().Evaluate(Pods(2, [new("a", HpaPodPhase.Pending), Running("b")], new() { ["a"] = 1000 }), T0);
        Assert.Contains("did not receive metrics for targeted pods", pendingOnly.Reason);

        var failed = Hpa().Evaluate(new HpaObservation(2, 2, [Running("a")], [HpaMetricReading.Failed("unable to fetch metrics from custom metrics API: boom")]), T0);
        Assert.Equal("FailedComputeMetricsReplicas: invalid metrics (1 invalid out of 1), first error is: unable to get metric vllm:num_requests_waiting: unable to fetch metrics from custom metrics API: boom", failed.Reason);
    }

    [Fact]
    public void Multiple_metrics_take_the_largest_proposal_and_invalid_ones_block_only_downscaling()
    {
        var running = HpaMetric.PodsAverage("vllm:num_requests_running", 4);
        HpaObservation Observe(long waiting, long run, bool runningFails) => new(2, 2, [Running("a"), Running("b")],
        [
            new HpaMetricReading(PodValues: new Dictionary<string, long> { ["a"] = waiting, ["b"] = waiting }),
            runningFails ? HpaMetricReading.Failed("down") : new HpaMetricReading(PodValues: new Dictionary<string, long> { ["a"] = run, ["b"] = run }),
        ]);

        // waiting 15000/10000 → ceil(1.5 × 2) = 3; running 8000/4000 → ceil(2 × 2) = 4: max 4.
        var both = Hpa(1, 10, null, Waiting, running).Evaluate(Observe(15000, 8000, false), T0);
        Assert.Equal(4, both.DesiredReplicas);
        Assert.Equal("vllm:num_requests_running above target", both.Reason);

        // One invalid, the valid one proposes 3 ≥ 2: still scales up.
        Assert.Equal(3, Hpa(1, 10, null, Waiting, running).Evaluate(Observe(15000, 0, true), T0).DesiredReplicas);

        // One invalid, the valid one proposes 1 < 2: no scaling.
        var blocked = Hpa(1, 10, null, Waiting, running).Evaluate(Observe(1000, 0, true), T0);
        Assert.Equal(2, blocked.DesiredReplicas);
        Assert.StartsWith("FailedComputeMetricsReplicas: invalid metrics (1 invalid out of 2)", blocked.Reason);
    }

    [Fact]
    public void Legacy_path_stabilises_scale_down_over_five_minutes_including_the_initial_size()
    {
        var hpa = Hpa();
        // First sight at 4 replicas: recorded as a recommendation, so a proposal of 1 is held at 4.
        var first = hpa.Evaluate(Uniform(4, 1000), T0);
        Assert.Equal(1, first.Proposal);
        Assert.Equal(4, first.Stabilized);
        Assert.Equal(4, first.DesiredReplicas);

        Assert.Equal(4, hpa.Evaluate(Uniform(4, 1000), T0.AddSeconds(299)).DesiredReplicas);

        // At 301 s the recommendations of T0 are outside the window; the ones since say 1.
        var later = hpa.Evaluate(Uniform(4, 1000), T0.AddSeconds(301));
        Assert.Equal(1, later.DesiredReplicas);
        Assert.Equal("All metrics below target", later.Reason);
    }

    [Theory]
    [InlineData(1, 4)] // max(2 × 1, 4) = 4
    [InlineData(3, 6)] // max(2 × 3, 4) = 6
    [InlineData(6, 10)] // max(12, 4) = 12 > maxReplicas 10
    public void Legacy_path_limits_scale_up_to_double_or_four(int current, int expected)
    {
        var decision = Hpa().Evaluate(Uniform(current, 100000), T0); // ratio 10
        Assert.Equal(expected, decision.DesiredReplicas);
        Assert.Equal(expected == 10 ? "TooManyReplicas" : "ScaleUpLimit", decision.Limit);
    }

    [Fact]
    public void Out_of_range_counts_skip_the_metrics()
    {
        var above = Hpa(1, 3).Evaluate(Uniform(5, 100000), T0);
        Assert.Equal(3, above.DesiredReplicas);
        Assert.Empty(above.Metrics);

        Assert.Equal(2, Hpa(2, 5).Evaluate(Uniform(1, 0), T0).DesiredReplicas);

        var zero = Hpa(1, 5).Evaluate(new HpaObservation(0, 0, [], [new HpaMetricReading(PodValues: new Dictionary<string, long>())]), T0);
        Assert.Equal(0, zero.DesiredReplicas);
        Assert.StartsWith("ScalingDisabled", zero.Reason);
    }

    [Fact]
    public void Default_behavior_scales_up_by_the_larger_of_four_pods_and_100_percent_per_15_seconds()
    {
        var hpa = Hpa(1, 20, new HpaBehavior());
        // 1 → proposal 10: Pods 1 + 4 = 5, Percent ceil(1 × 2) = 2, Max → 5.
        var first = hpa.Evaluate(Uniform(1, 100000), T0);
        Assert.Equal(5, first.DesiredReplicas);
        Assert.Equal("ScaleUpLimit", first.Limit);

        // 10 s later at 5: the +4 is within both periods, period start 5 − 4 = 1 → limit 5: no change.
        Assert.Equal(5, hpa.Evaluate(Uniform(5, 100000), T0.AddSeconds(10)).DesiredReplicas);

        // 16 s after the event: period start 5 → Pods 9, Percent 10 → 10.
        Assert.Equal(10, hpa.Evaluate(Uniform(5, 100000), T0.AddSeconds(16)).DesiredReplicas);
    }

    [Fact]
    public void Scale_down_policies_pick_the_largest_change_with_max_and_count_events_within_their_period()
    {
        // Kubernetes docs' example: Pods 4/60 s and Percent 10/60 s, no stabilisation.
        var behavior = new HpaBehavior(ScaleDown: new HpaScalingRules(0, HpaSelectPolicy.Max,
            [new(HpaPolicyType.Pods, 4, 60), new(HpaPolicyType.Percent, 10, 60)]));
        var hpa = Hpa(1, 100, behavior);
        // 80: Pods 76, Percent floor(80 × 0.9) = 72 → Max picks 72.
        var first = hpa.Evaluate(Uniform(80, 100), T0);
        Assert.Equal(72, first.DesiredReplicas);
        Assert.Equal("ScaleDownLimit", first.Limit);

        // 30 s later at 72: the −8 is within 60 s, period start 80 → limit 72 again: no change.
        Assert.Equal(72, hpa.Evaluate(Uniform(72, 100), T0.AddSeconds(30)).DesiredReplicas);

        // 61 s later: period start 72 → Pods 68, Percent floor(64.8) = 64 → 64.
        Assert.Equal(64, hpa.Evaluate(Uniform(72, 100), T0.AddSeconds(61)).DesiredReplicas);

        // With Min the smallest change wins: 80 → max(76, 72) = 76.
        var min = Hpa(1, 100, behavior with { ScaleDown = behavior.ScaleDown! with { SelectPolicy = HpaSelectPolicy.Min } });
        Assert.Equal(76, min.Evaluate(Uniform(80, 100), T0).DesiredReplicas);
    }

    [Fact]
    public void Scale_up_stabilisation_window_takes_the_minimum_recommendation()
    {
        var hpa = Hpa(1, 10, new HpaBehavior(ScaleUp: new HpaScalingRules(StabilizationWindowSeconds: 60)));
        // First sight records 2; proposal 6 is held at min(6, 2) = 2.
        var first = hpa.Evaluate(Uniform(2, 30000), T0);
        Assert.Equal(6, first.Proposal);
        Assert.Equal(2, first.DesiredReplicas);
        Assert.Equal(2, hpa.Evaluate(Uniform(2, 30000), T0.AddSeconds(30)).DesiredReplicas);

        // At 61 s only the 6 recorded at 30 s is inside the window → 6 (Pods policy 2 + 4 = 6 allows it).
        var later = hpa.Evaluate(Uniform(2, 30000), T0.AddSeconds(61));
        Assert.Equal(6, later.Stabilized);
        Assert.Equal(6, later.DesiredReplicas);
    }

    [Fact]
    public void Scale_down_window_from_behavior_and_disabled_policies()
    {
        var hpa = Hpa(1, 10, new HpaBehavior(ScaleDown: new HpaScalingRules(StabilizationWindowSeconds: 20)));
        Assert.Equal(4, hpa.Evaluate(Uniform(4, 1000), T0).DesiredReplicas);
        Assert.Equal(4, hpa.Evaluate(Uniform(4, 1000), T0.AddSeconds(15)).DesiredReplicas);
        // 21 s: the initial 4 is out of the 20 s window; the 1s since remain → 1 (Percent 100 allows it).
        Assert.Equal(1, hpa.Evaluate(Uniform(4, 1000), T0.AddSeconds(21)).DesiredReplicas);

        var disabled = Hpa(1, 10, new HpaBehavior(ScaleDown: new HpaScalingRules(0, HpaSelectPolicy.Disabled)));
        var decision = disabled.Evaluate(Uniform(4, 1000), T0);
        Assert.Equal(4, decision.DesiredReplicas);
        Assert.Equal("ScaleDownLimit", decision.Limit);
    }

    [Fact]
    public void Per_direction_tolerance_from_behavior()
    {
        // ratio 1.06: within the default 0.1, outside a scale-up tolerance of 0.05 → ceil(1.06 × 2) = 3.
        Assert.Equal(2, Hpa(1, 10, new HpaBehavior()).Evaluate(Uniform(2, 10600), T0).Proposal);
        Assert.Equal(3, Hpa(1, 10, new HpaBehavior(ScaleUp: new HpaScalingRules(Tolerance: 0.05))).Evaluate(Uniform(2, 10600), T0).Proposal);
    }

    [Fact]
    public void Object_value_and_average_value_targets()
    {
        var value = new HpaMetric(HpaMetricSource.Object, "vllm:num_requests_waiting", HpaTargetType.Value, 10000);
        // ratio 30000/10000 = 3 × 2 Running+Ready pods (the unready one does not count) = 6.
        var pods = new[] { Running("a"), Running("b"), new HpaPod("c", HpaPodPhase.Running, Ready: false) };
        var byValue = Hpa(1, 10, null, value).Evaluate(new HpaObservation(3, 3, pods, [new HpaMetricReading(Value: 30000)]), T0);
        Assert.Equal(6, byValue.Proposal);

        var average = value with { TargetType = HpaTargetType.AverageValue };
        // ratio 30000 / (10000 × 2) = 1.5 → ceil(30000/10000) = 3; reported average ceil(30000/2) = 15000.
        var byAverage = Hpa(1, 10, null, average).Evaluate(new HpaObservation(2, 2, pods[..2], [new HpaMetricReading(Value: 30000)]), T0);
        Assert.Equal(3, byAverage.Proposal);
        Assert.Equal(15000, byAverage.Metrics[0].CurrentMilli);
    }
}
