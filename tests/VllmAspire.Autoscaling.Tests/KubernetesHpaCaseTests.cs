using VllmAspire.Autoscaling.Tests.KubernetesCases;
using VllmAspire.Hosting.Autoscaling;

namespace VllmAspire.Autoscaling.Tests;

// Kubernetes' own HPA test cases (KubernetesCases/, transcribed from kubernetes/kubernetes) run against HpaController,
// so any divergence from kube-controller-manager fails here. Cases for what we do not implement are skipped with why.
public sealed class KubernetesHpaCaseTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    // Normalisation cases start from a prenormalized count: an External AverageValue metric with a 1-unit target and a
    // zero tolerance proposes exactly value / target (or the status replicas when that is the same count).
    private static readonly HpaMetric ProposalMetric = Qps.ExternalAverage(1000);

    private static readonly KubernetesCase[] ReplicaCalculator = [.. ReplicaCalculatorCases.All];
    private static readonly KubernetesCase[] Horizontal = [.. HorizontalCases.All];
    private static readonly Dictionary<string, KubernetesCase> ById = ReplicaCalculator.Concat(Horizontal)
        .GroupBy(c => c.Id).ToDictionary(g => g.Key, g => g.First());

    public static IEnumerable<TheoryDataRow<string>> CaseIds() => ById.Values.Select(c => new TheoryDataRow<string>(c.Id)
    {
        TestDisplayName = $"Kubernetes {c.Id}",
        Skip = c is NotApplicable notApplicable ? $"not applicable: {notApplicable.Reason}" : null,
    });

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Decides_as_the_kubernetes_test_expects(string id)
    {
        switch (ById[id])
        {
            case MetricCase c:
                RunMetric(c);
                break;
            case GroupPodsCase c:
                var (ready, unready, missing, ignored) = HpaController.GroupPods(c.Pods, c.WithValues.ToDictionary(name => name, _ => 1L));
                Assert.Equal(c.ExpectedReady, ready);
                Assert.Equal(c.ExpectedUnready, unready);
                Assert.Equal(c.ExpectedMissing, missing);
                Assert.Equal(c.ExpectedIgnored, ignored);
                break;
            case HelperCase c:
                Assert.Equal(c.Expected, c.Compute());
                break;
            case SyncCase c:
                RunSync(c);
                break;
            default:
                Assert.Fail($"{id} has no runner");
                break;
        }
    }

    [Fact]
    public void Every_go_test_function_is_transcribed_or_listed_as_not_applicable()
    {
        Assert.Empty(ReplicaCalculator.Concat(Horizontal).GroupBy(c => c.Id).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Equal(KubernetesSource.ReplicaCalculatorTests, ReplicaCalculator.Select(c => c.GoTest).Distinct());
        Assert.Equal(KubernetesSource.HorizontalTests, Horizontal.Select(c => c.GoTest).Distinct());
    }

    private static void RunMetric(MetricCase c)
    {
        var behavior = c.Tolerances is { } t ? new HpaBehavior(new HpaScalingRules(Tolerance: t.Up), new HpaScalingRules(Tolerance: t.Down)) : null;
        var hpa = new HpaController(0, int.MaxValue, [c.Metric], behavior);

        // The replica calculator is called at any count; a sync at zero computes only once the HPA scaled to zero itself.
        hpa.Restore(null, [], [], scaledToZero: true);
        var pods = c.Pods.Build(Math.Max(c.CurrentReplicas, c.Pods.Phases?.Length ?? 0));
        var outcome = hpa.Evaluate(new HpaObservation(c.CurrentReplicas, c.CurrentReplicas, pods, [Reading(c.Metric, c.Levels)]), Now).Metrics.Single();

        Assert.Null(outcome.Error);
        Assert.Equal(c.ExpectedReplicas, outcome.Proposal);
        Assert.Equal(c.ExpectedUsage, outcome.CurrentMilli);
    }

    private static void RunSync(SyncCase c)
    {
        HpaMetric[] metrics = c.Proposal is null ? c.Metrics : [ProposalMetric];
        var hpa = new HpaController(c.Min, c.Max, metrics, c.Behavior, tolerance: c.Proposal is null ? 0.1 : 0);
        if (c.Recommendations is not null || c.ScaleUpEvents.Length > 0 || c.ScaleDownEvents.Length > 0 || c.ScaledToZero)
        {
            hpa.Restore(c.Recommendations?.Select(At), c.ScaleUpEvents.Select(At), c.ScaleDownEvents.Select(At), c.ScaledToZero);
        }

        var status = c.Status ?? c.Spec;
        IReadOnlyList<HpaMetricReading> readings = c.Proposal is { } proposal ? [new HpaMetricReading(Value: proposal * 1000L)]
            : c.ReadsFail ? [.. metrics.Select(_ => HpaMetricReading.Failed("something went wrong"))]
            : [.. metrics.Select(m => Reading(m, c.Levels))];
        var decision = hpa.Evaluate(new HpaObservation(c.Spec, status, c.Pods.Build(status), readings), Now);

        if (c.ExpectedDesired is { } desired)
        {
            Assert.Equal(desired, decision.DesiredReplicas);
        }

        if (c.Conditions is { } conditions)
        {
            // ScaledToZero post-dates the transcribed horizontal_test.go; our own tests cover it.
            Assert.Equal(conditions, decision.Conditions.Where(x => x.Type != HpaConditionType.ScaledToZero));
        }

        if (c.ExpectedStabilized is { } stabilized)
        {
            Assert.Equal(stabilized, decision.Stabilized);
        }

        if (c.ExpectedLimit is { } limit)
        {
            Assert.Equal(limit, decision.Limit);
        }

        if (c.ExpectedStoredRecommendations is { } stored)
        {
            Assert.Equal(stored, hpa.StoredRecommendations);
        }

        if (c.ExpectedStoredCount is { } count)
        {
            Assert.Equal(count, hpa.StoredRecommendations.Count);
        }
    }

    private static (int, DateTimeOffset) At(Past past) => (past.Count, Now.AddSeconds(-past.SecondsAgo));

    // As the Go fixtures return them: per pod test-pod-i for Pods metrics, the first level for an object, all summed for external.
    private static HpaMetricReading Reading(HpaMetric metric, long[] levels) => metric.Source switch
    {
        HpaMetricSource.Pods => new HpaMetricReading(PodValues: levels.Select((level, i) => (level, i)).ToDictionary(x => $"test-pod-{x.i}", x => x.level)),
        HpaMetricSource.Object => new HpaMetricReading(Value: levels[0]),
        _ => HpaMetricReading.External(levels),
    };
}
