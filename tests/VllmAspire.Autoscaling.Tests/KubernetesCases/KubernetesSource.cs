namespace VllmAspire.Autoscaling.Tests.KubernetesCases;

/// <summary>
/// Where the transcribed cases come from: kubernetes/kubernetes, pkg/controller/podautoscaler, read (never copied) in
/// the stored snapshots the search index holds. The controller the cases are run against follows horizontal.go at
/// <see cref="Commit"/>; replica_calculator_test.go is transcribed at that commit too. horizontal_test.go is not stored
/// at it: it is transcribed at <see cref="HorizontalTestCommit"/>, an older master (before HPAConfigurableTolerance and
/// the ScaledToZero condition) whose controller-level expectations horizontal.go at <see cref="Commit"/> still meets,
/// except where a case says what it adapted and why.
/// </summary>
internal static class KubernetesSource
{
    /// <summary>kubernetes/kubernetes master after v1.38.0-alpha.1 (its CHANGELOG-1.38.md lists alpha.1 only).</summary>
    public const string Commit = "5e9fea7dbb7dca5d45773b5899b62f299bc914bb";

    /// <summary>The horizontal_test.go transcribed (no tolerancesForHpa in its horizontal.go: before Kubernetes 1.33).</summary>
    public const string HorizontalTestCommit = "003e86297d18a8538c9da3619871393f9703bf70";

    /// <summary>Every test function of replica_calculator_test.go at <see cref="Commit"/>, in file order.</summary>
    public static readonly string[] ReplicaCalculatorTests =
    [
        "TestReplicaCalcResourceScale", "TestReplicaCalcExternalPerPodMetric", "TestReplicaCalcPodMetric",
        "TestReplicaCalcObjectMetric", "TestReplicaCalcObjectPerPodMetric", "TestReplicaCalcExternalMetric",
        "TestReplicaCalcResourceTolerance", "TestReplicaCalcResourceMissingMetrics",
        "TestReplicaCalcComputedToleranceAlgImplementation", "TestGroupPods", "TestCalculateRequests",
        "TestCalculatePodRequestsFromContainers_NonExistentContainer", "TestGetPerPodUsage", "TestCeilToInt32",
    ];

    /// <summary>Every test function of horizontal_test.go at <see cref="HorizontalTestCommit"/>, in file order.</summary>
    public static readonly string[] HorizontalTests =
    [
        "TestScaleUp", "TestScaleUpContainer", "TestScaleUpUnreadyLessScale", "TestScaleUpHotCpuLessScale",
        "TestScaleUpUnreadyNoScale", "TestScaleUpHotCpuNoScale", "TestScaleUpIgnoresFailedPods",
        "TestScaleUpIgnoresDeletionPods", "TestScaleUpDeployment", "TestScaleUpReplicaSet", "TestScaleUpCM",
        "TestScaleUpCMUnreadyAndHotCpuNoLessScale", "TestScaleUpCMUnreadyandCpuHot",
        "TestScaleUpHotCpuNoScaleWouldScaleDown", "TestScaleUpCMObject", "TestScaleUpFromZeroCMObject",
        "TestScaleUpFromZeroIgnoresToleranceCMObject", "TestScaleUpPerPodCMObject", "TestScaleUpCMExternal",
        "TestScaleUpPerPodCMExternal", "TestScaleDown", "TestScaleDownContainerResource",
        "TestScaleDownWithScalingRules", "TestScaleUpOneMetricInvalid", "TestScaleUpFromZeroOneMetricInvalid",
        "TestScaleUpBothMetricsEmpty", "TestScaleDownStabilizeInitialSize", "TestScaleDownCM", "TestScaleDownCMObject",
        "TestScaleDownToZeroCMObject", "TestScaleDownPerPodCMObject", "TestScaleDownCMExternal",
        "TestScaleDownToZeroCMExternal", "TestScaleDownPerPodCMExternal", "TestScaleDownIncludeUnreadyPods",
        "TestScaleDownIgnoreHotCpuPods", "TestScaleDownIgnoresFailedPods", "TestScaleDownIgnoresDeletionPods",
        "TestTolerance", "TestToleranceCM", "TestToleranceCMObject", "TestToleranceCMExternal",
        "TestTolerancePerPodCMObject", "TestTolerancePerPodCMExternal", "TestMinReplicas",
        "TestZeroMinReplicasDesiredZero", "TestMinReplicasDesiredZero", "TestZeroReplicas", "TestTooFewReplicas",
        "TestTooManyReplicas", "TestMaxReplicas", "TestSuperfluousMetrics", "TestMissingMetrics", "TestEmptyMetrics",
        "TestEmptyCPURequest", "TestEventCreated", "TestEventNotCreated", "TestMissingReports", "TestUpscaleCap",
        "TestUpscaleCapGreaterThanMaxReplicas", "TestMoreReplicasThanSpecNoScale",
        "TestConditionInvalidSelectorMissing", "TestConditionInvalidSelectorUnparsable",
        "TestConditionNoAmbiguousSelectorWhenNoSelectorOverlapBetweenHPAs",
        "TestConditionAmbiguousSelectorWhenFullSelectorOverlapBetweenHPAs",
        "TestConditionAmbiguousSelectorWhenPartialSelectorOverlapBetweenHPAs", "TestConditionFailedGetMetrics",
        "TestConditionInvalidSourceType", "TestConditionFailedGetScale", "TestConditionFailedUpdateScale",
        "TestNoBackoffUpscaleCM", "TestNoBackoffUpscaleCMNoBackoffCpu", "TestStabilizeDownscale",
        "TestComputedToleranceAlgImplementation", "TestScaleUpRCImmediately", "TestScaleDownRCImmediately",
        "TestAvoidUnnecessaryUpdates", "TestConvertDesiredReplicasWithRules", "TestCalculateScaleUpLimitWithScalingRules",
        "TestCalculateScaleDownLimitWithBehaviors", "TestNormalizeDesiredReplicas", "TestScalingWithRules",
        "TestStoreScaleEvents", "TestNormalizeDesiredReplicasWithBehavior", "TestScaleUpOneMetricEmpty",
        "TestNoScaleDownOneMetricInvalid", "TestNoScaleDownOneMetricEmpty", "TestMultipleHPAs",
    ];
}
