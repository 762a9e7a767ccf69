using VllmAspire.Hosting.Autoscaling;

namespace VllmAspire.Autoscaling.Tests.KubernetesCases;

/// <summary>One case of Kubernetes' HPA tests, named by its Go test function and sub-test (empty when it has none).</summary>
internal abstract record KubernetesCase(string GoTest, string Name)
{
    /// <summary>Gets the case's id: <c>GoTest/sub-test</c>.</summary>
    public string Id => Name.Length == 0 ? GoTest : $"{GoTest}/{Name}";

    /// <summary>Gets what the transcription had to change to express the case here, and why (null: nothing).</summary>
    public string? Adapted { get; init; }
}

/// <summary>A case we do not run: the Go test exercises what we do not implement.</summary>
internal sealed record NotApplicable(string GoTest, string Name, string Reason) : KubernetesCase(GoTest, Name);

/// <summary>The reasons shared by many not-applicable cases.</summary>
internal static class Because
{
    public const string Cpu = "needs a CPU/memory resource metric (utilization of requests, CPU readiness rules): we implement Pods, Object and External metrics only";

    public const string ContainerResource = "needs a ContainerResource metric: not implemented";

    public const string UnknownSourceType = "an unknown metric source type (\"CheddarCheese\"): the API server rejects it and our typed HpaMetricSource cannot express it";
}

/// <summary>
/// The pods of a case as the Go fixtures describe them: named <c>test-pod-0..n-1</c>, Running, Ready and not being
/// deleted unless the arrays (indexed like the pods) say otherwise.
/// </summary>
internal sealed record PodStates(bool[]? Ready = null, HpaPodPhase[]? Phases = null, bool[]? Deleting = null)
{
    public static readonly PodStates Default = new();

    public IReadOnlyList<HpaPod> Build(int count) =>
    [
        .. Enumerable.Range(0, count).Select(i => new HpaPod(
            $"test-pod-{i}",
            Phases is { } phases ? phases[i] : HpaPodPhase.Running,
            Ready is { } ready && i < ready.Length ? ready[i] : true,
            Deleting is { } deleting && deleting[i])),
    ];
}

/// <summary>
/// A replica_calculator_test.go case: one metric's proposal and reported value. Pods: as many as the current replicas
/// or the phases given, whichever is more; Pods metric levels go to <c>test-pod-i</c> by index, an Object metric reads
/// the first level, an External metric sums them. AverageValue targets divide by the current replicas (the Go fixture
/// passes them as the status replicas).
/// </summary>
internal sealed record MetricCase(string GoTest, string Name, HpaMetric Metric, int CurrentReplicas, long[] Levels) : KubernetesCase(GoTest, Name)
{
    public PodStates Pods { get; init; } = PodStates.Default;

    /// <summary>Gets the per-direction tolerances (scale-down, scale-up); null: the controller's 0.1 both ways.</summary>
    public (double Down, double Up)? Tolerances { get; init; }

    public int ExpectedReplicas { get; init; }

    public long ExpectedUsage { get; init; }
}

/// <summary>A TestGroupPods case: how pods are classified against the values the metrics API returned.</summary>
internal sealed record GroupPodsCase(string GoTest, string Name, HpaPod[] Pods, string[] WithValues) : KubernetesCase(GoTest, Name)
{
    public int ExpectedReady { get; init; }

    public string[] ExpectedUnready { get; init; } = [];

    public string[] ExpectedMissing { get; init; } = [];

    public string[] ExpectedIgnored { get; init; } = [];
}

/// <summary>A helper-function case (<c>ceilToInt32</c>, <c>getPerPodUsage</c>): a computation and its expected result.</summary>
internal sealed record HelperCase(string GoTest, string Name, Func<long> Compute, long Expected) : KubernetesCase(GoTest, Name);

/// <summary>A recommendation (replicas) or scale event (replica change) the Go test presets, <paramref name="SecondsAgo"/> before the sync.</summary>
internal sealed record Past(int Count, double SecondsAgo)
{
    /// <summary>
    /// generateEventsUniformDistribution: the changes spread over the last <paramref name="periodSeconds"/>, each in the
    /// middle of its equal segment, oldest first, whole seconds (Go truncates the duration).
    /// </summary>
    public static Past[] Uniform(int[] changes, int periodSeconds)
    {
        var segment = (double)periodSeconds / changes.Length;
        return [.. changes.Select((change, i) => new Past(change, Math.Truncate(periodSeconds - (segment * (i + 1)) + (segment / 2))))];
    }
}

/// <summary>
/// One sync of the controller (horizontal_test.go). Pods: one per status replica (the Go harness makes one per CPU
/// request when a case gives requests; no applicable case gives a different count). Readings follow the harness: Pods metrics get
/// <c>Levels[i]</c> for <c>test-pod-i</c>, Object metrics <c>Levels[0]</c>, External ones the sum. Cases that test
/// normalisation alone give <see cref="Proposal"/> instead: a metric that proposes exactly that count. A null
/// <c>ExpectedDesired</c> is one the Go test does not assert.
/// </summary>
internal sealed record SyncCase(string GoTest, string Name, int Min, int Max, int Spec, int? ExpectedDesired) : KubernetesCase(GoTest, Name)
{
    public int? Status { get; init; }

    public PodStates Pods { get; init; } = PodStates.Default;

    public HpaMetric[] Metrics { get; init; } = [];

    public long[] Levels { get; init; } = [];

    /// <summary>Gets whether every metric read fails (the Go test's reactors return "something went wrong").</summary>
    public bool ReadsFail { get; init; }

    /// <summary>Gets the prenormalized desired replicas the normalisation tests start from.</summary>
    public int? Proposal { get; init; }

    public HpaBehavior? Behavior { get; init; }

    /// <summary>Gets the preset recommendations; null: none preset, so the first sight records the current count.</summary>
    public Past[]? Recommendations { get; init; }

    public Past[] ScaleUpEvents { get; init; } = [];

    public Past[] ScaleDownEvents { get; init; } = [];

    /// <summary>Gets whether the HPA's ScaledToZero condition is True before the sync.</summary>
    public bool ScaledToZero { get; init; }

    /// <summary>Gets the status conditions the Go test expects (ScaledToZero aside); null: not asserted.</summary>
    public HpaCondition[]? Conditions { get; init; }

    public int? ExpectedStabilized { get; init; }

    /// <summary>Gets the ScalingLimited reason the Go test expects; null: not asserted.</summary>
    public string? ExpectedLimit { get; init; }

    /// <summary>Gets the stored recommendations after the sync, oldest slot first; null: not asserted.</summary>
    public int[]? ExpectedStoredRecommendations { get; init; }

    /// <summary>Gets how many recommendations are stored after the sync; null: not asserted.</summary>
    public int? ExpectedStoredCount { get; init; }
}

/// <summary>The Go tests' metric, <c>qps</c>, in each source and target kind; targets in milli-units.</summary>
internal static class Qps
{
    public static HpaMetric PodsAverage(long target) => new(HpaMetricSource.Pods, "qps", HpaTargetType.AverageValue, target);

    public static HpaMetric ObjectValue(long target) => new(HpaMetricSource.Object, "qps", HpaTargetType.Value, target);

    public static HpaMetric ObjectAverage(long target) => new(HpaMetricSource.Object, "qps", HpaTargetType.AverageValue, target);

    public static HpaMetric ExternalValue(long target) => new(HpaMetricSource.External, "qps", HpaTargetType.Value, target);

    public static HpaMetric ExternalAverage(long target) => new(HpaMetricSource.External, "qps", HpaTargetType.AverageValue, target);
}
