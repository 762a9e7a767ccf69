using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using k8s.Models;
using VllmAspire.Hosting.Autoscaling;
using VllmAspire.Hosting.Planning;
using VllmAspire.Hosting.Publishing;
using VllmAspire.VllmCatalog;

namespace VllmAspire.Publishing.Tests;

/// <summary>
/// Issue 13 item 5: the whole start planned phase by phase (node, image pull, imports, engine, weights, compile,
/// graphs), what each option saves, and the HPA settings that follow from the start-up and a queue-latency target.
/// </summary>
public sealed class WholeStartPlanTests
{
    private static readonly StorageOption Ssd2T = new(StorageKind.PdSsd, 2048, 4096);

    private static readonly PlannerInputs Recipe = new();

    [Fact]
    public void EachOption_TakesOnlyItsOwnPhase()
    {
        var recipe = WholeStartPlanner.Predict(Ssd2T, Recipe, VllmEra.Current, standbyCapacity: false, compileCache: false);
        // A new node (284 + 126 s [P30]); a 12 GiB image at 10 GiB per 240 s; current vLLM's phases [P5]; 16,289 MiB at 1,200 MiB/s.
        Assert.Equal((410, 288, 10.0, 19.9, 19.0, 4.0), (recipe.NodeSeconds, recipe.ImagePullSeconds, recipe.ImportSeconds, recipe.EngineSeconds, recipe.CompileSeconds, recipe.CudaGraphSeconds));
        Assert.Equal(16289 / 1200.0, recipe.WeightsSeconds, 6);

        var cached = WholeStartPlanner.Predict(Ssd2T, Recipe with { ImageCached = true }, VllmEra.Current, false, false);
        Assert.Equal(recipe with { ImagePullSeconds = 0 }, cached);

        // The prefetch sidecar's reads (13.6 s) hide behind imports and engine (29.9 s): only the loader's pass over cached pages is left.
        var prefetch = WholeStartPlanner.Predict(Ssd2T, Recipe with { ImageCached = true, PrefetchSidecar = true }, VllmEra.Current, false, false);
        Assert.Equal(cached with { WeightsSeconds = 1.0 }, prefetch);

        var compile = WholeStartPlanner.Predict(Ssd2T, Recipe with { ImageCached = true, PrefetchSidecar = true }, VllmEra.Current, false, compileCache: true);
        Assert.Equal(prefetch with { CompileSeconds = VllmStartupDurations.CompileCacheHitSeconds }, compile);

        var standby = WholeStartPlanner.Predict(Ssd2T, Recipe with { ImageCached = true, PrefetchSidecar = true }, VllmEra.Current, standbyCapacity: true, compileCache: true);
        Assert.Equal(compile with { NodeSeconds = 0 }, standby);
        Assert.Equal(10.0 + 19.9 + 1.0 + 7.5 + 4.0, standby.ReadySeconds, 6);
    }

    [Fact]
    public void OnSlowStorage_ThePrefetchHidesOnlyTheImportsAndEngine()
    {
        var hdd = new StorageOption(StorageKind.FilestoreBasicHdd, 1024, 1024);
        var recipe = WholeStartPlanner.Predict(hdd, Recipe with { ParallelReader = true }, VllmEra.Current, false, false);
        var prefetch = WholeStartPlanner.Predict(hdd, Recipe with { PrefetchSidecar = true }, VllmEra.Current, false, false);
        // Basic HDD caps at 100 MiB/s: 162.9 s of reads, of which imports + engine hide 29.9 s; the tail is 1 s.
        Assert.Equal(162.89, recipe.WeightsSeconds, 2);
        Assert.Equal(162.89 - 29.9 + 1.0, prefetch.WeightsSeconds, 2);
    }

    [Fact]
    public void TheSeedEra_HasNoCompileNorSeparateGraphs_AndASmallerImage()
    {
        var seed = WholeStartPlanner.Predict(Ssd2T, Recipe, VllmEra.SeedEra, false, compileCache: true);
        Assert.Equal((6, 15.7, 0, 0, 120), (seed.ImportSeconds, seed.EngineSeconds, seed.CompileSeconds, seed.CudaGraphSeconds, seed.ImagePullSeconds));
    }

    [Fact]
    public void StandbyCost_IsNodesTimesZonesTimesTheListPrice()
    {
        // g2-standard-16 at $1.147/h (storage.md §3), 730 h, 2 per zone in 2 zones.
        Assert.Equal(1.147 * 730 * 4, WholeStartPlanner.StandbyMonthlyCostUsd("g2-standard-16", 2, 2)!.Value, 6);
        Assert.Null(WholeStartPlanner.StandbyMonthlyCostUsd("g2-standard-96", 1, 1));
    }

    [Fact]
    public void TheTarget_FollowsFromStartupLatencyThroughputAndBurst()
    {
        // R = 15 + 15 + 60 = 90 s; w = 2 × (30 − 0.1 × 90) = 42.
        var baseline = AutoscalingRecommendation.Create(startupSeconds: 60, queueLatencySeconds: 30, podRequestsPerSecond: 2, burst: 1.1);
        Assert.Equal((90, 42, true), (baseline.ReactionSeconds, baseline.AverageValue, baseline.MeetsTarget));
        Assert.Equal(1 + 30 / 90.0, baseline.LargestBurst, 6);

        // A slower start leaves less queue to spend; a looser latency target more; a faster pod more.
        Assert.Equal(14, AutoscalingRecommendation.Create(200, 30, 2, 1.1).AverageValue);
        Assert.Equal(102, AutoscalingRecommendation.Create(60, 60, 2, 1.1).AverageValue);
        Assert.Equal(84, AutoscalingRecommendation.Create(60, 30, 4, 1.1).AverageValue);

        // No target meets 30 s under a 1.5× step with a 90 s reaction: the target is 1 and the plan says so.
        var tooSlow = AutoscalingRecommendation.Create(60, 30, 2, 1.5);
        Assert.Equal((1, false), (tooSlow.AverageValue, tooSlow.MeetsTarget));
    }

    [Fact]
    public void TheBehaviour_ScalesUpAtOnce_AndDownNoSoonerThanAReplacementStarts()
    {
        var fast = AutoscalingRecommendation.Create(60, 30, 2);
        Assert.Equal(0, fast.Behavior.ScaleUp!.StabilizationWindowSeconds);
        Assert.Equal(new HpaScalingPolicy(HpaPolicyType.Percent, 100, 15), Assert.Single(fast.Behavior.ScaleUp.Policies!));
        Assert.Equal(300, fast.Behavior.ScaleDown!.StabilizationWindowSeconds);
        // A cold node's start (R = 530 s) keeps idle pods longer than the HPA's default 300 s.
        Assert.Equal(530, AutoscalingRecommendation.Create(500, 30, 2).Behavior.ScaleDown!.StabilizationWindowSeconds);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => AutoscalingRecommendation.Create(60, 30, 0));
        Assert.Contains("podRequestsPerSecond", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithAutoscaling_AppliesARecommendation_ToThePublishedHpa()
    {
        var recommendation = AutoscalingRecommendation.Create(500, 30, 2, 1.01);
        var model = new TestModel { Configure = (_, _, vllm) => vllm.WithAutoscaling(2, 6, recommendation) };
        using var app = model.Build();
        var annotation = app.Model.Resources.OfType<VllmResource>().Single().Annotations.OfType<AutoscalingAnnotation>().Last();
        Assert.Equal((2, 6, AutoscalingRecommendation.Metric, recommendation.AverageValue), (annotation.MinReplicas, annotation.MaxReplicas, annotation.Metric, annotation.AverageValue));
        var hpa = KubernetesManifestBuilder.Build(app.PublishModel()).OfType<V2HorizontalPodAutoscaler>().Single();
        Assert.Equal(recommendation.AverageValue.ToString(System.Globalization.CultureInfo.InvariantCulture), hpa.Spec.Metrics.Single().Pods.Target.AverageValue.ToString());
        Assert.Equal(530, hpa.Spec.Behavior.ScaleDown.StabilizationWindowSeconds);
        Assert.Equal(0, hpa.Spec.Behavior.ScaleUp.StabilizationWindowSeconds);
        Assert.Equal(("Percent", 100, 15), (hpa.Spec.Behavior.ScaleUp.Policies.Single().Type, hpa.Spec.Behavior.ScaleUp.Policies.Single().Value, hpa.Spec.Behavior.ScaleUp.Policies.Single().PeriodSeconds));
        Assert.Equal(("Max", "Max"), (hpa.Spec.Behavior.ScaleUp.SelectPolicy, hpa.Spec.Behavior.ScaleDown.SelectPolicy));
        var (exitCode, output) = await model.ValidateAgainstSchemasAsync();
        Assert.True(exitCode == 0, output);
    }
}

/// <summary>The whole-start sections of <c>aspire do plan</c>, built from the model as the step builds it.</summary>
public sealed class WholeStartPlanReportTests
{
    private static string Report(TestModel model, StartupPlanOptions? options = null) => model.PlanReport(options);

    [Fact]
    public void ThePhaseTable_AddsOneOptionPerRow_BesideTheSeedEra_AndThisModelsRow()
    {
        var report = Report(new TestModel());
        Assert.Matches(@"\| seed-era vLLM, recipe\s*\| 410\.0\s*\| 120\.0\s*\| 6\.0\s*\| 15\.7\s*\| 13\.6\s*\| 0\.0\s*\| 0\.0\s*\| 565\.3", report);
        Assert.Matches(@"\| current vLLM, recipe\s*\| 410\.0\s*\| 288\.0\s*\| 10\.0\s*\| 19\.9\s*\| 13\.6\s*\| 19\.0\s*\| 4\.0\s*\| 764\.5", report);
        Assert.Matches(@"\| \+ image cache\s*\|[^\n]*\| 476\.5", report);
        Assert.Matches(@"\| \+ prefetch sidecar\s*\|[^\n]*\| 1\.0\s*\| 19\.0\s*\| 4\.0\s*\| 463\.9", report);
        Assert.Matches(@"\| \+ compile cache\s*\|[^\n]*\| 7\.5\s*\| 4\.0\s*\| 452\.4", report);
        Assert.Matches(@"\| \+ standby capacity\s*\| 0\.0\s*\|[^\n]*\| 42\.4", report);
        // The test model: image pulled, the prefetch sidecar (the default), no compile cache, no standby.
        Assert.Matches(@"\| this model\s*\| 410\.0\s*\| 288\.0\s*\| 10\.0\s*\| 19\.9\s*\| 1\.0\s*\| 19\.0\s*\| 4\.0\s*\| 751\.9", report);
        // Savings per row and the cost: pd-ssd 2 TiB $348; standby adds a g2-standard-16 at $1.147/h × 730 h.
        Assert.Matches(@"\| \+ standby capacity\s*\| 42\.4\s*\| 410\.0\s*\| 1185", report);
        Assert.Matches(@"\| this model\s*\| 751\.9\s*\|\s*\| 348", report);
        Assert.Contains("Standby capacity (WithStandbyCapacity on the node pool) would cost $837/month", report, StringComparison.Ordinal);
        Assert.Contains("[P30", report, StringComparison.Ordinal);
    }

    [Fact]
    public void ThisModelsRow_FollowsItsOptions()
    {
        var report = Report(new TestModel { ImageCacheName = "gke-image-cache", CompileCache = true, StandbyNodesPerZone = 2 });
        Assert.Matches(@"\| this model\s*\| 0\.0\s*\| 0\.0\s*\| 10\.0\s*\| 19\.9\s*\| 1\.0\s*\| 7\.5\s*\| 4\.0\s*\| 42\.4", report);
        // 2 warm nodes: 2 × $837.31 + $348.16.
        Assert.Matches(@"\| this model\s*\| 42\.4\s*\|\s*\| 2023", report);
        Assert.Contains("Standby capacity on 'vllm-pool': 2 warm node(s) per zone cost $1675/month", report, StringComparison.Ordinal);
    }

    [Fact]
    public void TheHpaRecommendation_FollowsFromThisModelsStartup_AndTheLatencyTarget()
    {
        var fast = new TestModel { ImageCacheName = "gke-image-cache", CompileCache = true, StandbyNodesPerZone = 1 };
        var report = Report(fast, new StartupPlanOptions { QueueLatencySeconds = 60, PodRequestsPerSecond = 2, Burst = 1.2 });
        // R = 15 + 15 + 42.4 = 72.4 s; target 2 × (60 − 0.2 × 72.4) = 91.
        Assert.Contains("R = HPA sync 15.0 s + scrape 15 s + start-up 42.4 s = 72.4 s", report, StringComparison.Ordinal);
        Assert.Matches(@"\| target averageValue\s*\| 91\s*\|", report);
        Assert.Contains("Apply it: .WithAutoscaling(1, 5, AutoscalingRecommendation.Create(startupSeconds: 42.4, queueLatencySeconds: 60.0, podRequestsPerSecond: 2, burst: 1.2))", report, StringComparison.Ordinal);

        // A tighter target lowers it; a cold node's start makes it unreachable.
        Assert.Matches(@"\| target averageValue\s*\| 31\s*\|", Report(fast, new StartupPlanOptions { QueueLatencySeconds = 30, PodRequestsPerSecond = 2, Burst = 1.2 }));
        var cold = Report(new TestModel(), new StartupPlanOptions { QueueLatencySeconds = 60, PodRequestsPerSecond = 2, Burst = 1.2 });
        Assert.Matches(@"\| target averageValue\s*\| 1\s*\| 1: no target meets", cold);
        Assert.Matches(@"\| scaleDown\s*\| window 782 s", cold);

        // Without the pod's throughput the plan says how to give it.
        Assert.Contains("--Plan:PodRequestsPerSecond=N", Report(fast), StringComparison.Ordinal);
        var error = Assert.Throws<DistributedApplicationException>(() => Report(fast, new StartupPlanOptions { Burst = 0.5 }));
        Assert.Contains("Plan:Burst", error.Message, StringComparison.Ordinal);
    }
}
