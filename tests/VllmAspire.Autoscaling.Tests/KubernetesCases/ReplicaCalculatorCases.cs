using VllmAspire.Hosting.Autoscaling;
using static VllmAspire.Autoscaling.Tests.KubernetesCases.Qps;

namespace VllmAspire.Autoscaling.Tests.KubernetesCases;

/// <summary>
/// The cases of pkg/controller/podautoscaler/replica_calculator_test.go at <see cref="KubernetesSource.Commit"/>,
/// transcribed as data: inputs, expected replicas and reported usage (milli-units), in file order.
/// </summary>
internal static class ReplicaCalculatorCases
{
    private const long MaxInt64 = long.MaxValue;
    private const int MaxInt32 = int.MaxValue;
    private static readonly (double, double) UpTolerance1Percent = (0.1, 0.01);

    public static IEnumerable<KubernetesCase> All =>
    [
        new NotApplicable("TestReplicaCalcResourceScale", "", Because.Cpu + " (GetResourceReplicas: every sub-test, container metrics included)"),

        .. ExternalPerPod(),
        .. PodMetric(),
        .. ObjectMetric(),
        .. ObjectPerPod(),
        .. ExternalMetric(),

        new NotApplicable("TestReplicaCalcResourceTolerance", "", Because.Cpu + " (the same tolerances on Pods/Object/External metrics are the \"configurable 1% tolerance\" cases)"),
        new NotApplicable("TestReplicaCalcResourceMissingMetrics", "", Because.Cpu + " (missing and superfluous Pods-metric values are in TestReplicaCalcPodMetric and our own tests)"),
        new NotApplicable("TestReplicaCalcComputedToleranceAlgImplementation", "", Because.Cpu),

        .. GroupPods(),

        new NotApplicable("TestCalculateRequests", "", "CPU requests (container and pod-level) only matter for resource metrics, which we do not implement"),
        new NotApplicable("TestCalculatePodRequestsFromContainers_NonExistentContainer", "", "container resource metrics are not implemented"),

        new HelperCase("TestGetPerPodUsage", "zero replicas returns zero", () => HpaController.PerPodUsage(20000, 0), 0),
        new HelperCase("TestGetPerPodUsage", "normal division with ceiling", () => HpaController.PerPodUsage(1000, 3), 334),
        new HelperCase("TestGetPerPodUsage", "overflow returns MaxInt64", () => HpaController.PerPodUsage(MaxInt64, 1), MaxInt64),

        new HelperCase("TestCeilToInt32", "rounds up", () => HpaController.CeilToInt(1.1), 2),
        new HelperCase("TestCeilToInt32", "rounds up for negatives", () => HpaController.CeilToInt(-1.9), -1),
        new HelperCase("TestCeilToInt32", "ceiling crosses max int32", () => HpaController.CeilToInt(MaxInt32 + 0.5), MaxInt32),
        new HelperCase("TestCeilToInt32", "positive overflow", () => HpaController.CeilToInt(5e9), MaxInt32),
        new HelperCase("TestCeilToInt32", "positive infinity", () => HpaController.CeilToInt(double.PositiveInfinity), MaxInt32),
        new HelperCase("TestCeilToInt32", "negative overflow", () => HpaController.CeilToInt(-5e9), int.MinValue),
        new HelperCase("TestCeilToInt32", "negative infinity", () => HpaController.CeilToInt(double.NegativeInfinity), int.MinValue),
    ];

    private static IEnumerable<KubernetesCase> ExternalPerPod()
    {
        const string Test = "TestReplicaCalcExternalPerPodMetric";
        return
        [
            new MetricCase(Test, "replica count overflow saturates to MaxInt32", ExternalAverage(1), 1, [MaxInt64]) { ExpectedReplicas = MaxInt32, ExpectedUsage = MaxInt64 },
            new MetricCase(Test, "usage overflow with huge target leaves replicas unchanged", ExternalAverage(MaxInt64), 1, [MaxInt64]) { ExpectedReplicas = 1, ExpectedUsage = MaxInt64 },
            new MetricCase(Test, "statusReplicas zero does not overflow usage", ExternalAverage(5000), 0, [20000]) { ExpectedReplicas = 4, ExpectedUsage = 0 },
            new MetricCase(Test, "statusReplicas zero and metric zero does not underflow", ExternalAverage(5000), 0, [0]) { ExpectedReplicas = 0, ExpectedUsage = 0 },
            new MetricCase(Test, "scale up", ExternalAverage(2150), 3, [8600]) { ExpectedReplicas = 4, ExpectedUsage = 2867 },
            new MetricCase(Test, "scale down", ExternalAverage(2867), 5, [8600]) { ExpectedReplicas = 3, ExpectedUsage = 1720 },
            new MetricCase(Test, "within default tolerance", ExternalAverage(2900), 3, [8600]) { ExpectedReplicas = 3, ExpectedUsage = 2867 },
            new MetricCase(Test, "outside configurable 1% tolerance", ExternalAverage(2800), 3, [8600]) { Tolerances = UpTolerance1Percent, ExpectedReplicas = 4, ExpectedUsage = 2867 },
        ];
    }

    private static IEnumerable<KubernetesCase> PodMetric()
    {
        const string Test = "TestReplicaCalcPodMetric";
        return
        [
            new MetricCase(Test, "scale up", PodsAverage(15000), 3, [20000, 10000, 30000]) { ExpectedReplicas = 4, ExpectedUsage = 20000 },
            new MetricCase(Test, "scale up: replica count overflow saturates to MaxInt32", PodsAverage(1), 2, [1_500_000_000, 1_500_000_000]) { ExpectedReplicas = MaxInt32, ExpectedUsage = 1_500_000_000 },
            new MetricCase(Test, "scale up: replica count overflow with missing metric saturates to MaxInt32", PodsAverage(1), 3, [1_500_000_000, 1_500_000_000]) { ExpectedReplicas = MaxInt32, ExpectedUsage = 1_500_000_000 },
            new MetricCase(Test, "scale up: replica count overflow with unready pod saturates to MaxInt32", PodsAverage(1), 3, [1_500_000_000, 1_500_000_000, 1_500_000_000])
            {
                Pods = new(Phases: [HpaPodPhase.Running, HpaPodPhase.Running, HpaPodPhase.Pending]),
                ExpectedReplicas = MaxInt32,
                ExpectedUsage = 1_500_000_000,
            },

            // The pods' start times in these two only matter for CPU; readiness is not consulted for custom metrics.
            new MetricCase(Test, "scale up: unready hot-CPU pod scales less", PodsAverage(15000), 3, [50000, 10000, 30000]) { Pods = new(Ready: [true, true, false]), ExpectedReplicas = 6, ExpectedUsage = 30000 },
            new MetricCase(Test, "scale up: unready hot-CPU pods avoid scale-down", PodsAverage(15000), 3, [50000, 15000, 30000]) { Pods = new(Ready: [false, true, false]), ExpectedReplicas = 7, ExpectedUsage = 31666 },
            new MetricCase(Test, "scale down", PodsAverage(20000), 5, [12000, 12000, 12000, 12000, 12000]) { ExpectedReplicas = 3, ExpectedUsage = 12000 },
            new MetricCase(Test, "within default tolerance", PodsAverage(20000), 3, [20000, 21000, 21000]) { ExpectedReplicas = 3, ExpectedUsage = 20666 },
            new MetricCase(Test, "outside configurable 1% tolerance", PodsAverage(20000), 3, [20000, 21000, 21000]) { Tolerances = UpTolerance1Percent, ExpectedReplicas = 4, ExpectedUsage = 20666 },
            new MetricCase(Test, "no change: missing metrics", PodsAverage(20000), 5, [20000, 19000, 21000]) { ExpectedReplicas = 5, ExpectedUsage = 20000 },
            new MetricCase(Test, "rolling update with maxSurge: extra pod missing metric", PodsAverage(17000), 2, [10000, 10000])
            {
                Pods = new(Phases: [HpaPodPhase.Running, HpaPodPhase.Running, HpaPodPhase.Running]),
                ExpectedReplicas = 2,
                ExpectedUsage = 10000,
            },
        ];
    }

    private static IEnumerable<KubernetesCase> ObjectMetric()
    {
        const string Test = "TestReplicaCalcObjectMetric";
        return
        [
            new MetricCase(Test, "scale up", ObjectValue(15000), 3, [20000]) { ExpectedReplicas = 4, ExpectedUsage = 20000 },
            new MetricCase(Test, "scale up: very large metric saturates replicas to MaxInt32", ObjectValue(1), 3, [MaxInt64]) { ExpectedReplicas = MaxInt32, ExpectedUsage = MaxInt64 },
            new MetricCase(Test, "scale up from zero: replica count overflow saturates to MaxInt32", ObjectValue(1), 0, [MaxInt32 + 1L]) { ExpectedReplicas = MaxInt32, ExpectedUsage = MaxInt32 + 1L },
            new MetricCase(Test, "scale up: ignores unready pods", ObjectValue(10000), 3, [50000]) { Pods = new(Ready: [false, true, false]), ExpectedReplicas = 5, ExpectedUsage = 50000 },
            new MetricCase(Test, "scale down", ObjectValue(20000), 5, [12000]) { ExpectedReplicas = 3, ExpectedUsage = 12000 },
            new MetricCase(Test, "within default tolerance", ObjectValue(20000), 3, [20666]) { ExpectedReplicas = 3, ExpectedUsage = 20666 },
            new MetricCase(Test, "outside configurable 1% tolerance", ObjectValue(20000), 3, [20666]) { Tolerances = UpTolerance1Percent, ExpectedReplicas = 4, ExpectedUsage = 20666 },
        ];
    }

    private static IEnumerable<KubernetesCase> ObjectPerPod()
    {
        const string Test = "TestReplicaCalcObjectPerPodMetric";
        return
        [
            new MetricCase(Test, "usage overflow with huge target leaves replicas unchanged", ObjectAverage(MaxInt64), 1, [MaxInt64]) { ExpectedReplicas = 1, ExpectedUsage = MaxInt64 },
            new MetricCase(Test, "scale up", ObjectAverage(5000), 3, [20000]) { ExpectedReplicas = 4, ExpectedUsage = 6667 },
            new MetricCase(Test, "scale up: replica count overflow saturates to MaxInt32", ObjectAverage(1), 3, [MaxInt32 + 1L]) { ExpectedReplicas = MaxInt32, ExpectedUsage = 715827883 },
            new MetricCase(Test, "scale down", ObjectAverage(2000), 5, [6000]) { ExpectedReplicas = 3, ExpectedUsage = 1200 },
            new MetricCase(Test, "within default tolerance", ObjectAverage(5000), 4, [20166]) { ExpectedReplicas = 4, ExpectedUsage = 5042 },
            new MetricCase(Test, "outside configurable 1% tolerance", ObjectAverage(5000), 4, [20208]) { Tolerances = UpTolerance1Percent, ExpectedReplicas = 5, ExpectedUsage = 5052 },
            new MetricCase(Test, "statusReplicas zero does not overflow usage", ObjectAverage(5000), 0, [20000]) { ExpectedReplicas = 4, ExpectedUsage = 0 },
            new MetricCase(Test, "statusReplicas zero and metric zero does not underflow", ObjectAverage(5000), 0, [0]) { ExpectedReplicas = 0, ExpectedUsage = 0 },
        ];
    }

    private static IEnumerable<KubernetesCase> ExternalMetric()
    {
        const string Test = "TestReplicaCalcExternalMetric";
        return
        [
            new MetricCase(Test, "scale down: ignores unready pods (would otherwise scale up)", ExternalValue(4400), 3, [8600]) { Pods = new(Ready: [false, true, false]), ExpectedReplicas = 2, ExpectedUsage = 8600 },
            new MetricCase(Test, "scale down", ExternalValue(14334), 5, [8600]) { ExpectedReplicas = 3, ExpectedUsage = 8600 },
            new MetricCase(Test, "within default tolerance", ExternalValue(8888), 3, [8600]) { ExpectedReplicas = 3, ExpectedUsage = 8600 },
            new MetricCase(Test, "outside configurable 1% tolerance", ExternalValue(8800), 3, [8900]) { Tolerances = UpTolerance1Percent, ExpectedReplicas = 4, ExpectedUsage = 8900 },
            new MetricCase(Test, "usage overflow caps at MaxInt64", ExternalValue(MaxInt64), 3, [(MaxInt64 / 2) + 1, (MaxInt64 / 2) + 1]) { ExpectedReplicas = 3, ExpectedUsage = MaxInt64 },
        ];
    }

    private static IEnumerable<KubernetesCase> GroupPods()
    {
        const string Test = "TestGroupPods";
        const string CpuReadiness = "CPU readiness rules (ready condition, start time, initialization period): for custom metrics readiness is not consulted";
        static HpaPod Pod(string name, HpaPodPhase phase = HpaPodPhase.Running, bool deleting = false) => new(name, phase, Ready: true, Deleting: deleting);
        return
        [
            new GroupPodsCase(Test, "void", [], []),
            new GroupPodsCase(Test, "count in a ready pod - memory", [Pod("bentham")], ["bentham"]) { ExpectedReady = 1 },
            new NotApplicable(Test, "unready a pod without ready condition - CPU", CpuReadiness),
            new NotApplicable(Test, "count in a ready pod with fresh metrics during initialization period - CPU", CpuReadiness),
            new NotApplicable(Test, "unready a ready pod without fresh metrics during initialization period - CPU", CpuReadiness),
            new NotApplicable(Test, "unready an unready pod during initialization period - CPU", CpuReadiness),
            new NotApplicable(Test, "count in a ready pod without fresh metrics after initialization period - CPU", CpuReadiness),
            new NotApplicable(Test, "count in an unready pod that was ready after initialization period - CPU", CpuReadiness),
            new NotApplicable(Test, "unready pod that has never been ready after initialization period - CPU", CpuReadiness),
            new GroupPodsCase(Test, "a missing pod", [Pod("epicurus")], []) { ExpectedMissing = ["epicurus"] },
            new NotApplicable(Test, "several pods", CpuReadiness + " (lucretius is unready only by them)"),
            new GroupPodsCase(Test, "pending pods are unreadied", [Pod("unscheduled", HpaPodPhase.Pending)], []) { ExpectedUnready = ["unscheduled"] },
            new GroupPodsCase(Test, "ignore pods with deletion timestamps", [Pod("deleted", HpaPodPhase.Pending, deleting: true)], ["deleted"]) { ExpectedIgnored = ["deleted"] },
            new GroupPodsCase(Test, "ignore pods in a failed state", [Pod("failed", HpaPodPhase.Failed)], ["failed"]) { ExpectedIgnored = ["failed"] },
            new GroupPodsCase(Test, "ignore pods in a succeeded state", [Pod("succeeded", HpaPodPhase.Succeeded)], ["succeeded"]) { ExpectedIgnored = ["succeeded"] },
        ];
    }
}
