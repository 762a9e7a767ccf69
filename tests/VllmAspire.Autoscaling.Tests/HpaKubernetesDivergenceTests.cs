using VllmAspire.Hosting.Autoscaling;

namespace VllmAspire.Autoscaling.Tests;

// Where our HPA decided differently from kube-controller-manager (issue 14, and what transcribing Kubernetes' own
// tests found). Each expectation is the Kubernetes controller's, read in horizontal.go / replica_calculator.go and
// their tests at kubernetes/kubernetes@5e9fea7 (see KubernetesCases/KubernetesSource.cs).
public sealed class HpaKubernetesDivergenceTests
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly HpaMetric ObjectValue = new(HpaMetricSource.Object, "qps", HpaTargetType.Value, 10000);

    private static HpaPod Running(string name, bool deleting = false) => new(name, HpaPodPhase.Running, Ready: true, Deleting: deleting);

    private static HpaObservation Observe(int spec, IReadOnlyList<HpaPod> pods, long value) =>
        new(spec, spec, pods, [new HpaMetricReading(Value: value)]);

    [Fact]
    public void Legacy_path_with_min_replicas_zero_scales_to_zero_within_range()
    {
        // convertDesiredReplicasWithRules clamps to minReplicas itself, not to 1 (TestScaleDownToZeroCMObject).
        var hpa = new HpaController(0, 6, [ObjectValue]);
        var pods = Enumerable.Range(0, 5).Select(i => Running($"p{i}")).ToArray();
        hpa.Evaluate(Observe(5, pods, 0), T0); // the first sight's recommendation (5) holds this one

        var decision = hpa.Evaluate(Observe(5, pods, 0), T0.AddSeconds(301));

        Assert.Equal(0, decision.Proposal);
        Assert.Equal(0, decision.DesiredReplicas);
        Assert.Equal("DesiredWithinRange", decision.Limit);
    }

    [Theory]
    [InlineData(HpaMetricSource.Object)]
    [InlineData(HpaMetricSource.External)]
    public void Value_targets_count_running_ready_pods_that_are_being_deleted(HpaMetricSource source)
    {
        // getReadyPodsCount counts Running and Ready pods, deletion timestamp or not: ratio 3 × 3 ready = 9.
        var metric = ObjectValue with { Source = source };
        var decision = new HpaController(1, 20, [metric]).Evaluate(
            Observe(3, [Running("a"), Running("b"), Running("c", deleting: true)], 30000), T0);

        Assert.Equal(9, decision.Metrics[0].Proposal);
    }

    [Fact]
    public void Value_target_with_no_pods_is_an_invalid_metric_and_nothing_scales()
    {
        // getReadyPodsCount errors on an empty pod list; the only metric is invalid, so the HPA keeps 2.
        var decision = new HpaController(1, 10, [ObjectValue]).Evaluate(Observe(2, [], 30000), T0);

        Assert.Null(decision.Proposal);
        Assert.Equal(2, decision.DesiredReplicas);
        Assert.Contains("no pods returned by selector while calculating replica count", decision.Metrics[0].Error);
        Assert.StartsWith("FailedComputeMetricsReplicas", decision.Reason);
    }

    [Fact]
    public void Value_target_within_tolerance_with_no_pods_keeps_the_current_count()
    {
        // The pods are only listed once the ratio is outside the tolerance.
        var decision = new HpaController(1, 10, [ObjectValue]).Evaluate(Observe(2, [], 10500), T0);

        Assert.Equal(2, decision.Metrics[0].Proposal);
        Assert.Null(decision.Metrics[0].Error);
    }

    [Fact]
    public void Succeeded_pods_are_ignored_by_pods_metrics()
    {
        // groupPods ignores Succeeded pods like Failed ones: avg 20000 over the one running pod, ratio 2 × 1 = 2.
        var hpa = new HpaController(1, 10, [HpaMetric.PodsAverage("qps", 10)]);
        var decision = hpa.Evaluate(new HpaObservation(1, 1, [Running("a"), new HpaPod("b", HpaPodPhase.Succeeded, Ready: false)],
            [new HpaMetricReading(PodValues: new Dictionary<string, long> { ["a"] = 20000, ["b"] = 20000 })]), T0);

        Assert.Equal(2, decision.Metrics[0].Proposal);
    }

    [Fact]
    public void Average_value_targets_report_zero_per_pod_when_the_target_reports_no_replicas()
    {
        // getPerPodUsage: statusReplicas 0 reports 0 (TestReplicaCalcObjectPerPodMetric "statusReplicas zero ...").
        var metric = ObjectValue with { TargetType = HpaTargetType.AverageValue, TargetMilli = 5000 };
        var decision = new HpaController(1, 10, [metric]).Evaluate(new HpaObservation(2, 0, [], [new HpaMetricReading(Value: 20000)]), T0);

        Assert.Equal(4, decision.Metrics[0].Proposal);
        Assert.Equal(0, decision.Metrics[0].CurrentMilli);
    }

    [Fact]
    public void A_target_scaled_to_zero_by_hand_is_not_scaled_from_zero()
    {
        // Since 1.37 (HPAScaleToZero on by default) the controller only computes metrics at zero replicas when it
        // scaled the target to zero itself (the ScaledToZero condition); otherwise scaling is disabled.
        var decision = new HpaController(0, 6, [ObjectValue]).Evaluate(Observe(0, [], 30000), T0);

        Assert.Equal(0, decision.DesiredReplicas);
        Assert.StartsWith("ScalingDisabled", decision.Reason);
    }

    [Fact]
    public void A_target_the_hpa_scaled_to_zero_is_scaled_from_zero_when_the_metric_rises()
    {
        var hpa = new HpaController(0, 6, [ObjectValue], new HpaBehavior(ScaleDown: new HpaScalingRules(StabilizationWindowSeconds: 0)));
        var pods = Enumerable.Range(0, 5).Select(i => Running($"p{i}")).ToArray();
        var toZero = hpa.Evaluate(Observe(5, pods, 0), T0);
        Assert.Equal(0, toZero.DesiredReplicas);
        Assert.Contains(new HpaCondition(HpaConditionType.ScaledToZero, true, "ScaledToZero"), toZero.Conditions);

        // ratio 3 from zero: ceil(3) = 3, within the default +4 pods per 15 s; the condition clears on the way up.
        var decision = hpa.Evaluate(Observe(0, [], 30000), T0.AddSeconds(15));

        Assert.Equal(3, decision.DesiredReplicas);
        Assert.Contains(new HpaCondition(HpaConditionType.ScaledToZero, false, "NotScaledToZero"), decision.Conditions);
    }

    [Fact]
    public void External_items_are_summed_saturating_at_the_largest_value()
    {
        // GetExternalMetricReplicas caps the sum at MaxInt64 ("usage overflow caps at MaxInt64"); we summed nowhere.
        var reading = HpaMetricReading.External([(long.MaxValue / 2) + 1, (long.MaxValue / 2) + 1]);

        Assert.Equal(long.MaxValue, reading.Value);
        Assert.Equal(8600, HpaMetricReading.External([5000, 3600]).Value);
    }

    [Theory]
    [InlineData("-0.0005", -1)] // MilliValue rounds away from zero (1.38): -0.5 milli is -1, not 0
    [InlineData("-1500u", -2)]
    [InlineData("1e-30", 1)] // any positive value is at least 1 milli
    [InlineData("0.1", 100)] // exact: no floating-point error either way
    [InlineData("1e30", long.MaxValue)] // saturates instead of wrapping (1.38)
    [InlineData("-1e30", long.MinValue)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("1Ei", long.MaxValue)]
    [InlineData("8Pi", 9_007_199_254_740_992_000)]
    public void Quantities_convert_to_milli_as_kubernetes_does(string text, long expected)
    {
        Assert.True(MilliQuantity.TryParse(text, out var milli));
        Assert.Equal(expected, milli);
    }

    [Theory]
    [InlineData("1e4294967297")] // an exponent beyond the int32 scale is rejected (1.38), not narrowed
    [InlineData("1e")]
    [InlineData("-")]
    [InlineData("1.2.3")]
    public void Malformed_quantities_are_rejected(string text) => Assert.False(MilliQuantity.TryParse(text, out _));
}
