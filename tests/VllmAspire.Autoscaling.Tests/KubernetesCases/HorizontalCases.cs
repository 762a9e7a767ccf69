using VllmAspire.Hosting.Autoscaling;
using static VllmAspire.Autoscaling.Tests.KubernetesCases.Qps;

namespace VllmAspire.Autoscaling.Tests.KubernetesCases;

/// <summary>
/// The cases of pkg/controller/podautoscaler/horizontal_test.go at <see cref="KubernetesSource.HorizontalTestCommit"/>,
/// transcribed as data in file order: the HPA spec, the scale subresource, pods, metric levels and preset history,
/// with the desired replicas and the status conditions (or normalisation result) the Go test asserts.
/// </summary>
internal static class HorizontalCases
{
    private const string NotReadStandIn = "the Go HPA's CPU metric is never read on this path; a Pods metric whose read fails stands in, so reading it would show";
    private const string ScaledToZeroPreset = "horizontal.go at 5e9fea7 (HPAScaleToZero, on by default since 1.37) only scales from zero when the HPA scaled the target to zero itself; this older test predates that ScaledToZero condition, so the case presets it";
    private const string ShortcutBeforeNormalisation = "the Go test calls the normalisation directly; current above maxReplicas takes the sync's out-of-range shortcut first, which gives the same count but sets no ScalingLimited reason";

    public static IEnumerable<KubernetesCase> All =>
    [
        new NotApplicable("TestScaleUp", "", Because.Cpu),
        new NotApplicable("TestScaleUpContainer", "", Because.ContainerResource),
        new NotApplicable("TestScaleUpUnreadyLessScale", "", Because.Cpu),
        new NotApplicable("TestScaleUpHotCpuLessScale", "", Because.Cpu),
        new NotApplicable("TestScaleUpUnreadyNoScale", "", Because.Cpu),
        new NotApplicable("TestScaleUpHotCpuNoScale", "", Because.Cpu),
        new NotApplicable("TestScaleUpIgnoresFailedPods", "", Because.Cpu),
        new NotApplicable("TestScaleUpIgnoresDeletionPods", "", Because.Cpu),
        new NotApplicable("TestScaleUpDeployment", "", Because.Cpu),
        new NotApplicable("TestScaleUpReplicaSet", "", Because.Cpu),

        new SyncCase("TestScaleUpCM", "", 2, 6, 3, 4) { Metrics = [PodsAverage(15000)], Levels = [20000, 10000, 30000], Conditions = StatusOk() },
        // The start times these two give only matter for CPU; readiness is not consulted for Pods metrics.
        new SyncCase("TestScaleUpCMUnreadyAndHotCpuNoLessScale", "", 2, 6, 3, 6)
        {
            Metrics = [PodsAverage(15000)], Levels = [50000, 10000, 30000], Pods = new(Ready: [true, true, false]), Conditions = StatusOk(),
        },
        new SyncCase("TestScaleUpCMUnreadyandCpuHot", "", 2, 6, 3, 6)
        {
            Metrics = [PodsAverage(15000)], Levels = [50000, 15000, 30000], Pods = new(Ready: [false, true, false]),
            Conditions = StatusOk(Limited(true, "TooManyReplicas")),
        },
        new SyncCase("TestScaleUpHotCpuNoScaleWouldScaleDown", "", 2, 6, 3, 6)
        {
            Metrics = [PodsAverage(15000)], Levels = [50000, 15000, 30000], Conditions = StatusOk(Limited(true, "TooManyReplicas")),
        },
        new SyncCase("TestScaleUpCMObject", "", 2, 6, 3, 4) { Metrics = [ObjectValue(15000)], Levels = [20000], Conditions = StatusOk() },
        new SyncCase("TestScaleUpFromZeroCMObject", "", 0, 6, 0, 2)
        {
            Metrics = [ObjectValue(15000)], Levels = [20000], ScaledToZero = true, Conditions = StatusOk(), Adapted = ScaledToZeroPreset,
        },
        new SyncCase("TestScaleUpFromZeroIgnoresToleranceCMObject", "", 0, 6, 0, 1)
        {
            Metrics = [ObjectValue(1000)], Levels = [1000], ScaledToZero = true, Conditions = StatusOk(), Adapted = ScaledToZeroPreset,
        },
        new SyncCase("TestScaleUpPerPodCMObject", "", 2, 6, 3, 4) { Metrics = [ObjectAverage(10000)], Levels = [40000], Conditions = StatusOk() },
        new SyncCase("TestScaleUpCMExternal", "", 2, 6, 3, 4) { Metrics = [ExternalValue(6666)], Levels = [8600], Conditions = StatusOk() },
        new SyncCase("TestScaleUpPerPodCMExternal", "", 2, 6, 3, 4) { Metrics = [ExternalAverage(2222)], Levels = [8600], Conditions = StatusOk() },

        new NotApplicable("TestScaleDown", "", Because.Cpu),
        new NotApplicable("TestScaleDownContainerResource", "", Because.ContainerResource),
        new NotApplicable("TestScaleDownWithScalingRules", "", Because.Cpu),
        new NotApplicable("TestScaleUpOneMetricInvalid", "", Because.Cpu + "; its second metric has " + Because.UnknownSourceType),
        new NotApplicable("TestScaleUpFromZeroOneMetricInvalid", "", Because.Cpu + "; its second metric has " + Because.UnknownSourceType),
        new NotApplicable("TestScaleUpBothMetricsEmpty", "", Because.UnknownSourceType),
        new NotApplicable("TestScaleDownStabilizeInitialSize", "", Because.Cpu + " (the first sight's recommendation is in our own tests)"),

        new SyncCase("TestScaleDownCM", "", 2, 6, 5, 3) { Metrics = [PodsAverage(20000)], Levels = [12000, 12000, 12000, 12000, 12000], Recommendations = [], Conditions = StatusOk() },
        new SyncCase("TestScaleDownCMObject", "", 2, 6, 5, 3) { Metrics = [ObjectValue(20000)], Levels = [12000], Recommendations = [], Conditions = StatusOk() },
        new SyncCase("TestScaleDownToZeroCMObject", "", 0, 6, 5, 0) { Metrics = [ObjectValue(20000)], Levels = [0], Recommendations = [], Conditions = StatusOk() },
        new SyncCase("TestScaleDownPerPodCMObject", "", 2, 6, 5, 3) { Metrics = [ObjectAverage(20000)], Levels = [60000], Recommendations = [], Conditions = StatusOk() },
        new SyncCase("TestScaleDownCMExternal", "", 2, 6, 5, 3) { Metrics = [ExternalValue(14400)], Levels = [8600], Recommendations = [], Conditions = StatusOk() },
        new SyncCase("TestScaleDownToZeroCMExternal", "", 0, 6, 5, 0) { Metrics = [ExternalValue(14400)], Levels = [0], Recommendations = [], Conditions = StatusOk() },
        new SyncCase("TestScaleDownPerPodCMExternal", "", 2, 6, 5, 3) { Metrics = [ExternalAverage(3000)], Levels = [8600], Recommendations = [], Conditions = StatusOk() },

        new NotApplicable("TestScaleDownIncludeUnreadyPods", "", Because.Cpu),
        new NotApplicable("TestScaleDownIgnoreHotCpuPods", "", Because.Cpu),
        new NotApplicable("TestScaleDownIgnoresFailedPods", "", Because.Cpu + " (Failed pods for Pods metrics: TestGroupPods)"),
        new NotApplicable("TestScaleDownIgnoresDeletionPods", "", Because.Cpu + " (deleting pods for Pods metrics: TestGroupPods)"),
        new NotApplicable("TestTolerance", "", Because.Cpu),

        new SyncCase("TestToleranceCM", "", 1, 5, 3, 3) { Metrics = [PodsAverage(20000)], Levels = [20000, 20001, 21000], Conditions = StatusOk(Able("ReadyForNewScale")) },
        new SyncCase("TestToleranceCMObject", "", 1, 5, 3, 3) { Metrics = [ObjectValue(20000)], Levels = [20050], Conditions = StatusOk(Able("ReadyForNewScale")) },
        new SyncCase("TestToleranceCMExternal", "", 2, 6, 4, 4) { Metrics = [ExternalValue(8666)], Levels = [8600], Conditions = StatusOk(Able("ReadyForNewScale")) },
        new SyncCase("TestTolerancePerPodCMObject", "", 2, 6, 4, 4) { Metrics = [ObjectAverage(2200)], Levels = [8600], Conditions = StatusOk(Able("ReadyForNewScale")) },
        new SyncCase("TestTolerancePerPodCMExternal", "", 2, 6, 4, 4) { Metrics = [ExternalAverage(2200)], Levels = [8600], Conditions = StatusOk(Able("ReadyForNewScale")) },

        new NotApplicable("TestMinReplicas", "", Because.Cpu),
        new NotApplicable("TestZeroMinReplicasDesiredZero", "", Because.Cpu + " (minReplicas 0 with Object/External metrics: TestScaleDownToZeroCMObject, TestScaleDownToZeroCMExternal)"),
        new NotApplicable("TestMinReplicasDesiredZero", "", Because.Cpu),

        new SyncCase("TestZeroReplicas", "", 3, 5, 0, 0)
        {
            Metrics = [PodsAverage(1000)], ReadsFail = true, Adapted = NotReadStandIn,
            Conditions = [Able("SucceededGetScale"), Active(false, "ScalingDisabled")],
        },
        new SyncCase("TestTooFewReplicas", "", 3, 5, 2, 3) { Metrics = [PodsAverage(1000)], ReadsFail = true, Adapted = NotReadStandIn, Conditions = [Able("SucceededRescale")] },
        new SyncCase("TestTooManyReplicas", "", 3, 5, 10, 5) { Metrics = [PodsAverage(1000)], ReadsFail = true, Adapted = NotReadStandIn, Conditions = [Able("SucceededRescale")] },

        new NotApplicable("TestMaxReplicas", "", Because.Cpu),
        new NotApplicable("TestSuperfluousMetrics", "", Because.Cpu),
        new NotApplicable("TestMissingMetrics", "", Because.Cpu),
        new NotApplicable("TestEmptyMetrics", "", Because.Cpu),
        new NotApplicable("TestEmptyCPURequest", "", Because.Cpu),
        new NotApplicable("TestEventCreated", "", Because.Cpu + "; events are the caller's (the decision's Reason is the event message)"),
        new NotApplicable("TestEventNotCreated", "", Because.Cpu),
        new NotApplicable("TestMissingReports", "", Because.Cpu),
        new NotApplicable("TestUpscaleCap", "", Because.Cpu + " (Percent scale-up policies: TestScalingWithRules)"),
        new NotApplicable("TestUpscaleCapGreaterThanMaxReplicas", "", Because.Cpu),
        new NotApplicable("TestMoreReplicasThanSpecNoScale", "", Because.Cpu),
        new NotApplicable("TestConditionInvalidSelectorMissing", "", "the scale target's selector: HpaController is given the pods already selected (the local autoscaler lists its own replicas)"),
        new NotApplicable("TestConditionInvalidSelectorUnparsable", "", "the scale target's selector: HpaController is given the pods already selected"),
        new NotApplicable("TestConditionNoAmbiguousSelectorWhenNoSelectorOverlapBetweenHPAs", "", "several HPAs selecting the same pods: each HpaController is one HPA; " + Because.Cpu),
        new NotApplicable("TestConditionAmbiguousSelectorWhenFullSelectorOverlapBetweenHPAs", "", "several HPAs selecting the same pods: each HpaController is one HPA"),
        new NotApplicable("TestConditionAmbiguousSelectorWhenPartialSelectorOverlapBetweenHPAs", "", "several HPAs selecting the same pods: each HpaController is one HPA"),

        new NotApplicable("TestConditionFailedGetMetrics", "FailedGetResourceMetric", Because.Cpu),
        FailedGetMetric("FailedGetPodsMetric", PodsAverage(15000)),
        FailedGetMetric("FailedGetObjectMetric", ObjectValue(15000)),
        FailedGetMetric("FailedGetExternalMetric", ExternalValue(300)),

        new NotApplicable("TestConditionInvalidSourceType", "", Because.UnknownSourceType),
        new NotApplicable("TestConditionFailedGetScale", "", "reading the scale subresource is the caller's: HpaObservation is what it read"),
        new NotApplicable("TestConditionFailedUpdateScale", "", "updating the scale subresource is the caller's (the decision says what to set); " + Because.Cpu),

        // lastScaleTime is set: the HPA has no backoff after a scale, so it scales at once.
        new SyncCase("TestNoBackoffUpscaleCM", "", 1, 5, 3, 4) { Metrics = [PodsAverage(15000)], Levels = [20000, 10000, 30000], Conditions = StatusOk() },

        new NotApplicable("TestNoBackoffUpscaleCMNoBackoffCpu", "", Because.Cpu),
        new NotApplicable("TestStabilizeDownscale", "", Because.Cpu + " (the same stabilisation: TestNormalizeDesiredReplicas)"),
        new NotApplicable("TestComputedToleranceAlgImplementation", "", Because.Cpu),

        new SyncCase("TestScaleUpRCImmediately", "", 2, 6, 1, 2) { Metrics = [PodsAverage(1000)], ReadsFail = true, Adapted = NotReadStandIn, Conditions = [Able("SucceededRescale")] },
        new SyncCase("TestScaleDownRCImmediately", "", 2, 5, 6, 5) { Metrics = [PodsAverage(1000)], ReadsFail = true, Adapted = NotReadStandIn, Conditions = [Able("SucceededRescale")] },

        new NotApplicable("TestAvoidUnnecessaryUpdates", "", "skipping an unchanged status write is the caller's; " + Because.Cpu),

        .. ConvertDesiredReplicasWithRules(),

        // The Go tests call the limit functions directly; a proposal above any limit makes the limit the desired count.
        new SyncCase("TestCalculateScaleUpLimitWithScalingRules", "", 1, 1000, 1, 2)
        {
            Proposal = 1000, Recommendations = [], ExpectedLimit = "ScaleUpLimit",
            Behavior = new(ScaleUp: new(300, HpaSelectPolicy.Min, [new(HpaPolicyType.Pods, 2, 60), new(HpaPolicyType.Percent, 50, 60)])),
        },
        new SyncCase("TestCalculateScaleDownLimitWithBehaviors", "", 0, 1000, 5, 3)
        {
            Proposal = 0, Recommendations = [], ExpectedLimit = "ScaleDownLimit",
            Behavior = new(ScaleDown: new(300, HpaSelectPolicy.Min, [new(HpaPolicyType.Pods, 2, 60), new(HpaPolicyType.Percent, 50, 60)])),
        },

        .. NormalizeDesiredReplicas(),
        .. ScalingWithRules(),

        new NotApplicable("TestStoreScaleEvents", "", "asserts the Go slice layout (slot reuse, outdated flags); we drop expired events instead, and what decisions read — the change within each policy period — is TestScalingWithRules' \"previous events\" cases"),

        .. NormalizeDesiredReplicasWithBehavior(),

        new NotApplicable("TestScaleUpOneMetricEmpty", "", Because.Cpu + " (an invalid metric beside a valid one: our own tests)"),
        new NotApplicable("TestNoScaleDownOneMetricInvalid", "", Because.Cpu + "; " + Because.UnknownSourceType),
        new NotApplicable("TestNoScaleDownOneMetricEmpty", "", Because.Cpu + " (no scale-down while a metric is invalid: our own tests)"),
        new NotApplicable("TestMultipleHPAs", "", "1000 HPAs through the controller's work queue: each HpaController is one HPA, synced by its caller"),
    ];

    private static HpaCondition Able(string reason) => new(HpaConditionType.AbleToScale, true, reason);

    private static HpaCondition Active(bool status, string reason) => new(HpaConditionType.ScalingActive, status, reason);

    private static HpaCondition Limited(bool status, string reason) => new(HpaConditionType.ScalingLimited, status, reason);

    // statusOkWithOverrides: a rescale with a valid metric within range, with conditions of the same type replaced.
    private static HpaCondition[] StatusOk(params HpaCondition[] overrides) =>
    [
        .. new[] { Able("SucceededRescale"), Active(true, "ValidMetricFound"), Limited(false, "DesiredWithinRange") }
            .Select(c => overrides.LastOrDefault(o => o.Type == c.Type) ?? c),
    ];

    // generateScalingRules: Pods then Percent policies (each only when non-zero), selectPolicy Max, the window given.
    private static HpaScalingRules Rules(int pods, int podsPeriod, int percent, int percentPeriod, int window) =>
        new(window, HpaSelectPolicy.Max,
        [
            .. pods != 0 ? [new HpaScalingPolicy(HpaPolicyType.Pods, pods, podsPeriod)] : Array.Empty<HpaScalingPolicy>(),
            .. percent != 0 ? [new HpaScalingPolicy(HpaPolicyType.Percent, percent, percentPeriod)] : Array.Empty<HpaScalingPolicy>(),
        ]);

    private static SyncCase FailedGetMetric(string reason, HpaMetric metric) =>
        new("TestConditionFailedGetMetrics", reason, 1, 100, 3, 3)
        {
            Metrics = [metric], ReadsFail = true, Conditions = [Able("SucceededGetScale"), Active(false, reason)],
        };

    // convertDesiredReplicasWithRules (legacy path): nothing preset, so stabilisation keeps the proposal.
    private static IEnumerable<KubernetesCase> ConvertDesiredReplicasWithRules()
    {
        static SyncCase Case(string name, int current, int proposal, int min, int max, int expected, string? limit) =>
            new("TestConvertDesiredReplicasWithRules", name, min, max, current, expected) { Proposal = proposal, Recommendations = [], ExpectedLimit = limit };
        return
        [
            Case("prenormalized desired replicas within range", 5, 7, 3, 8, 7, "DesiredWithinRange"),
            Case("prenormalized desired replicas < minReplicas", 3, 1, 2, 8, 2, "TooFewReplicas"),
            Case("prenormalized desired zeroed replicas within range", 1, 0, 0, 10, 0, "DesiredWithinRange"),
            Case("maxReplicas is the limit because maxReplicas < scaleUpLimit", 20, 1000, 1, 10, 10, null) with { Adapted = ShortcutBeforeNormalisation },
            Case("scaleUpLimit is the limit because scaleUpLimit < maxReplicas", 3, 1000, 1, 2000, 6, "ScaleUpLimit") with
            {
                Adapted = "expected is calculateScaleUpLimit(3): horizontal_test.go's init() raises scaleUpLimitFactor to 8 (24), the controller's factor is 2: max(2 × 3, 4) = 6",
            },
        ];
    }

    // stabilizeRecommendation (legacy, 5 min window) asserts the stabilised count and the log length only; the current
    // count is not its input, the proposal stands in for it.
    private static IEnumerable<KubernetesCase> NormalizeDesiredReplicas()
    {
        static SyncCase Case(string name, Past[] recommendations, int proposal, int stabilized, int stored) =>
            new("TestNormalizeDesiredReplicas", name, 0, 1000, proposal, null)
            {
                Proposal = proposal, Recommendations = recommendations, ExpectedStabilized = stabilized, ExpectedStoredCount = stored,
            };
        return
        [
            Case("empty log", [], 5, 5, 1),
            Case("stabilize", [new(4, 120), new(5, 60)], 3, 5, 3),
            Case("no stabilize", [new(1, 120), new(2, 60)], 3, 3, 3),
            Case("no stabilize - old recommendations", [new(10, 600), new(9, 540)], 3, 3, 2),
            Case("stabilize - old recommendations", [new(10, 600), new(4, 60), new(5, 120), new(9, 540)], 3, 5, 4),
        ];
    }

    // convertDesiredReplicasWithBehaviorRate: GenerateHPAScaleUpRules/ScaleDownRules fill what a case leaves out.
    private static IEnumerable<KubernetesCase> ScalingWithRules()
    {
        static SyncCase Case(string name, int current, int proposal, int min, int max, int expected, string limit,
            HpaScalingRules? up = null, HpaScalingRules? down = null, Past[]? upEvents = null, Past[]? downEvents = null) =>
            new("TestScalingWithRules", name, min, max, current, expected)
            {
                Proposal = proposal, Recommendations = [], Behavior = new(up, down), ExpectedLimit = limit,
                ScaleUpEvents = upEvents ?? [], ScaleDownEvents = downEvents ?? [],
            };
        var ups159 = Past.Uniform([1, 5, 9], 120);
        var downs159 = Past.Uniform([1, 5, 9], 120);
        return
        [
            Case("prenormalized desired replicas within range", 5, 7, 3, 8, 7, "DesiredWithinRange"),
            Case("prenormalized desired replicas < minReplicas", 3, 1, 2, 8, 2, "TooFewReplicas"),
            Case("prenormalized desired replicas within range when minReplicas is 0", 1, 0, 0, 10, 0, "DesiredWithinRange"),
            Case("maxReplicas is the limit because maxReplicas < scaleUpLimit", 20, 1000, 1, 10, 10, "TooManyReplicas") with { ExpectedLimit = null, Adapted = ShortcutBeforeNormalisation },
            Case("desired replica count is more than the maximum replica count", 100, 1000, 100, 150, 150, "TooManyReplicas"),
            Case("scaleUpLimit is the limit because scaleUpLimit < maxReplicas with user policies", 3, 1000, 1, 2000, 4, "ScaleUpLimit", up: Rules(0, 0, 1, 60, 0)),
            Case("scaleDownLimit is the limit because scaleDownLimit > minReplicas with user defined policies", 1000, 3, 3, 2000, 980, "ScaleDownLimit", down: Rules(20, 60, 0, 0, 0)) with
            {
                Adapted = "upstream's loop returns early for this case (testThis); its expectation holds here",
            },
            Case("scaleUp with default behavior", 10, 50, 1, 1000, 20, "ScaleUpLimit"),
            Case("scaleUp with pods policy larger than percent policy", 10, 500, 1, 1000, 110, "ScaleUpLimit", up: Rules(100, 60, 100, 60, 0)),
            Case("scaleUp with percent policy larger than pods policy", 10, 500, 1, 1000, 20, "ScaleUpLimit", up: Rules(2, 60, 100, 60, 0)),
            Case("scaleUp with spec MaxReplicas limitation with large pod policy", 10, 50, 1, 1000, 50, "DesiredWithinRange", up: Rules(100, 60, 0, 0, 0)),
            Case("scaleUp with spec MaxReplicas limitation with large percent policy", 10, 50, 1, 1000, 50, "DesiredWithinRange", up: Rules(10000, 60, 0, 0, 0)),
            Case("scaleUp with pod policy limitation", 10, 50, 1, 1000, 40, "ScaleUpLimit", up: Rules(30, 60, 0, 0, 0)),
            Case("scaleUp with percent policy limitation", 10, 50, 1, 1000, 30, "ScaleUpLimit", up: Rules(0, 0, 200, 60, 0)),
            Case("scaleDown with percent policy larger than pod policy", 100, 2, 1, 1000, 80, "ScaleDownLimit", down: Rules(20, 60, 1, 60, 300)),
            Case("scaleDown with pod policy larger than percent policy", 100, 2, 1, 1000, 98, "ScaleDownLimit", down: Rules(2, 60, 1, 60, 300)),
            Case("scaleDown with spec MinReplicas=nil limitation with large pod policy", 10, 0, 1, 1000, 1, "TooFewReplicas", down: Rules(100, 60, 0, 0, 300)),
            Case("scaleDown with spec MinReplicas limitation with large pod policy", 10, 0, 1, 1000, 1, "TooFewReplicas", down: Rules(100, 60, 0, 0, 300)),
            Case("scaleDown with spec MinReplicas limitation with large percent policy", 10, 2, 5, 1000, 5, "TooFewReplicas", down: Rules(0, 0, 100, 60, 300)),
            Case("scaleDown with pod policy limitation", 10, 2, 1, 1000, 5, "ScaleDownLimit", down: Rules(5, 60, 0, 0, 300)),
            Case("scaleDown with percent policy limitation", 10, 5, 1, 1000, 5, "DesiredWithinRange", down: Rules(0, 0, 50, 60, 300)),
            Case("scaleUp with spec MaxReplicas limitation with large pod policy and events", 100, 500, 1, 200, 200, "TooManyReplicas", up: Rules(300, 60, 0, 0, 0), upEvents: ups159),
            Case("scaleUp with spec MaxReplicas limitation with large percent policy and events", 100, 500, 1, 200, 200, "TooManyReplicas", up: Rules(0, 0, 10000, 60, 0), upEvents: ups159),
            Case("scaleUp with currentReplicas limitation with rate.PeriodSeconds with a lot of recent scale up events", 100, 500, 1, 1000, 100, "ScaleUpLimit", up: Rules(5, 120, 0, 0, 0), upEvents: ups159),
            Case("scaleUp with pod policy and previous scale up events", 100, 500, 1, 1000, 235, "ScaleUpLimit", up: Rules(150, 120, 0, 0, 0), upEvents: ups159),
            Case("scaleUp with percent policy and previous scale up events", 100, 500, 1, 1000, 255, "ScaleUpLimit", up: Rules(0, 0, 200, 120, 0), upEvents: ups159),
            Case("scaleUp with percent policy and previous scale up and down events", 6, 24, 1, 1000, 16, "ScaleUpLimit", up: Rules(0, 0, 300, 300, 0),
                upEvents: Past.Uniform([4], 120), downEvents: Past.Uniform([2], 120)),
            Case("scaleDown with default policy and previous events", 10, 5, 1, 1000, 5, "DesiredWithinRange", downEvents: downs159),
            Case("scaleDown with spec MinReplicas=nil limitation with large pod policy and previous events", 100, 0, 1, 1000, 1, "TooFewReplicas", down: Rules(115, 120, 0, 0, 300), downEvents: downs159),
            Case("scaleDown with spec MinReplicas limitation with large pod policy and previous events", 100, 0, 5, 1000, 5, "TooFewReplicas", down: Rules(130, 120, 0, 0, 300), downEvents: downs159),
            Case("scaleDown with spec MinReplicas limitation with large percent policy and previous events", 100, 2, 5, 1000, 5, "TooFewReplicas", down: Rules(0, 0, 100, 120, 300), downEvents: downs159),
            Case("scaleDown with pod policy limitation and previous events", 100, 2, 1, 1000, 100, "ScaleDownLimit", down: Rules(5, 120, 0, 0, 300), downEvents: downs159),
            Case("scaleDown with percent policy limitation and previous events", 100, 0, 1, 1000, 56, "ScaleDownLimit", down: Rules(0, 0, 50, 120, 300), downEvents: Past.Uniform([2, 4, 6], 120)),
            Case("scaleDown with percent policy and previous scale up and down events", 10, 1, 1, 1000, 6, "ScaleDownLimit", down: Rules(0, 0, 50, 180, 0),
                upEvents: Past.Uniform([2], 120), downEvents: Past.Uniform([4], 120)),
            Case("scaleDown with previous events preventing further scale down", 100, 0, 1, 1000, 100, "ScaleDownLimit", down: Rules(0, 0, 10, 120, 300), downEvents: Past.Uniform([10, 10, 10], 120)),
            Case("scaleDown with with previous events still allowing more scale down", 10, 5, 1, 1000, 5, "DesiredWithinRange", down: Rules(0, 0, 1000, 120, 300), downEvents: Past.Uniform([10, 10, 10], 120)),
            Case("check 'outdated' flag for events for one behavior for up", 100, 200, 1, 1000, 200, "DesiredWithinRange", up: Rules(1000, 60, 0, 0, 0), upEvents: Past.Uniform([8, 12, 9, 11], 120)),
            Case("check that events were not marked 'outdated' for two different policies in the behavior for up", 100, 200, 1, 1000, 200, "DesiredWithinRange", up: Rules(1000, 120, 100, 60, 0), upEvents: Past.Uniform([8, 12, 9, 11], 120)),
            Case("check that events were marked 'outdated' for two different policies in the behavior for up", 100, 200, 1, 1000, 200, "DesiredWithinRange", up: Rules(1000, 30, 100, 60, 0), upEvents: Past.Uniform([8, 12, 9, 11], 120)),
            Case("check 'outdated' flag for events for one behavior for down", 100, 5, 1, 1000, 5, "DesiredWithinRange", down: Rules(1000, 60, 0, 0, 300), downEvents: Past.Uniform([8, 12, 9, 11], 120)),
            Case("check that events were not marked 'outdated' for two different policies in the behavior for down", 100, 5, 1, 1000, 5, "DesiredWithinRange", down: Rules(1000, 120, 100, 60, 300), downEvents: Past.Uniform([8, 12, 9, 11], 120)),
            Case("check that events were marked 'outdated' for two different policies in the behavior for down", 100, 5, 1, 1000, 5, "DesiredWithinRange", down: Rules(1000, 30, 100, 60, 300), downEvents: Past.Uniform([8, 12, 9, 11], 120)),
        ];
    }

    // stabilizeRecommendationWithBehaviors, which the Go test calls alone: the stabilised count and the stored
    // recommendations are asserted. Windows as it passes them (its int32 fields default to 0 s).
    private static IEnumerable<KubernetesCase> NormalizeDesiredReplicasWithBehavior()
    {
        static SyncCase Case(string name, Past[] recommendations, int current, int proposal, int stabilized, int[]? stored, int upWindow = 0, int downWindow = 0) =>
            new("TestNormalizeDesiredReplicasWithBehavior", name, 0, 1000, current, null)
            {
                Proposal = proposal, Recommendations = recommendations, ExpectedStabilized = stabilized, ExpectedStoredRecommendations = stored,
                Behavior = new(new HpaScalingRules(StabilizationWindowSeconds: upWindow), new HpaScalingRules(StabilizationWindowSeconds: downWindow)),
            };
        return
        [
            Case("empty recommendations for scaling down", [], 100, 5, 5, [5]),
            Case("simple scale down stabilization", [new(4, 120), new(5, 60)], 100, 3, 5, [4, 5, 3], downWindow: 180),
            Case("simple scale up stabilization", [new(4, 120), new(5, 60)], 1, 7, 4, [4, 5, 7], upWindow: 300),
            Case("no scale down stabilization", [new(1, 120), new(2, 60)], 100, 3, 3, [1, 2, 3], upWindow: 300),
            Case("no scale up stabilization", [new(4, 120), new(5, 60)], 1, 3, 3, [4, 5, 3], downWindow: 300),
            Case("no scale down stabilization, reuse recommendation element", [new(10, 600), new(9, 540)], 100, 3, 3, [10, 3]),
            Case("no scale up stabilization, reuse recommendation element", [new(10, 600), new(9, 540)], 1, 100, 100, [10, 100]),
            Case("scale down stabilization, reuse one of obsolete recommendation element", [new(10, 600), new(4, 60), new(5, 120), new(9, 540)], 100, 3, 5, [10, 4, 5, 3], downWindow: 180),
            Case("scale up stabilization, reuse one of obsolete recommendation element", [new(10, 6000), new(6, 60), new(5, 120), new(9, 180)], 1, 100, 5, [100, 6, 5, 9], upWindow: 300),
            Case("scale up and down stabilization, do not scale up when prenormalized rec goes down", [new(2, 6000), new(3, 180)], 2, 1, 2, null, 300, 300),
            Case("scale up and down stabilization, do not scale down when prenormalized rec goes up", [new(2, 6000), new(1, 180)], 2, 3, 2, null, 300, 300),
        ];
    }
}
