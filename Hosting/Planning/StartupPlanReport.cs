using System.Globalization;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Autoscaling;
using VllmAspire.Hosting.Gke;

namespace VllmAspire.Hosting.Planning;

/// <summary>Settings of a start-up plan (configuration <c>Plan:*</c>).</summary>
internal sealed record StartupPlanOptions
{
    /// <summary>Gets the start-up time the user needs: the cheapest option within it is marked.</summary>
    public double? TargetSeconds { get; init; }

    /// <summary>Gets how many nodes load from one shared volume at once during a scale-out.</summary>
    public int ConcurrentNodes { get; init; } = 1;

    /// <summary>Gets the longest a request may wait in vLLM's queue, for the HPA recommendation.</summary>
    public double QueueLatencySeconds { get; init; } = AutoscalingRecommendation.DefaultQueueLatencySeconds;

    /// <summary>Gets the requests a pod completes per second at full load, for the HPA target; <see langword="null"/> when not measured.</summary>
    public double? PodRequestsPerSecond { get; init; }

    /// <summary>Gets the load step the HPA must absorb, × the current load.</summary>
    public double Burst { get; init; } = AutoscalingRecommendation.DefaultBurst;
}

/// <summary>
/// The start-up plan (<c>aspire do plan</c>): predicted pod start-up time and monthly storage cost for the configured
/// storage and the alternatives (reference/storage.md §2–4), then the model beside the recipe's measured table, so
/// every prediction comes with the evidence for the model behind it; as Markdown sections.
/// </summary>
internal static class StartupPlanReport
{
    /// <summary>Creates the report.</summary>
    /// <param name="model">The application model.</param>
    /// <param name="environment">The GKE environment.</param>
    /// <param name="settings">Its parameters, resolved.</param>
    /// <param name="options">The plan's settings.</param>
    /// <returns>Markdown sections (paragraphs and tables).</returns>
    public static IReadOnlyList<string> Create(DistributedApplicationModel model, GkeEnvironmentResource environment, GkeSettings settings, StartupPlanOptions options)
    {
        if (options.TargetSeconds is { } t && !(t > 0))
        {
            throw new Aspire.Hosting.DistributedApplicationException($"Plan:TargetSeconds {t.ToString(CultureInfo.InvariantCulture)} must be above 0: give the start-up time you need, e.g. --Plan:TargetSeconds=60.");
        }

        if (options.ConcurrentNodes < 1)
        {
            throw new Aspire.Hosting.DistributedApplicationException($"Plan:ConcurrentNodes {options.ConcurrentNodes} must be at least 1.");
        }

        if (!(options.QueueLatencySeconds > 0) || options.PodRequestsPerSecond is <= 0 || !(options.Burst >= 1))
        {
            throw new Aspire.Hosting.DistributedApplicationException($"Plan:QueueLatencySeconds ({F(options.QueueLatencySeconds)}) and Plan:PodRequestsPerSecond ({(options.PodRequestsPerSecond is { } r ? F(r) : "unset")}) must be above 0 and Plan:Burst ({F(options.Burst)}) at least 1, e.g. --Plan:QueueLatencySeconds=30 --Plan:PodRequestsPerSecond=2 --Plan:Burst=1.5.");
        }

        var sections = new List<string>();
        Plan(sections, model, environment, settings, options);
        Seed(sections);

        return sections;
    }

    private static void Plan(List<string> sections, DistributedApplicationModel model, GkeEnvironmentResource environment, GkeSettings settings, StartupPlanOptions planOptions)
    {
        var (targetSeconds, concurrentNodes) = (planOptions.TargetSeconds, planOptions.ConcurrentNodes);
        var vllm = model.Resources.OfType<VllmResource>().FirstOrDefault(v => v.Weights is not null);
        if (vllm?.Weights is not { } weights)
        {
            throw new Aspire.Hosting.DistributedApplicationException("The model has no vLLM resource with weights: add AddVllm(...).WithModel(weights) to plan its start-up.");
        }

        // The pool the workload names, else the GPU pool it would run on (publish asks it to name one when there are several).
        var poolResource = vllm.TryGetLastAnnotation<GkeNodePoolPlacementAnnotation>(out var placement)
            ? placement.Pool
            : environment.NodePoolResources.FirstOrDefault(p => p.Configuration.Accelerator is not null);
        var pool = poolResource?.Configuration;
        var disk = weights.TryGetLastAnnotation<PersistentDiskAnnotation>(out var d) ? d : null;
        var strategy = vllm.TryGetLastAnnotation<VllmLoadStrategyAnnotation>(out var s) ? s.Strategy : VllmLoadStrategy.PrefetchSidecar;
        var inputs = new PlannerInputs
        {
            WeightsMiB = weights.TryGetLastAnnotation<ModelSizeAnnotation>(out var size) ? size.SizeGiB * 1024 : PlannerInputs.SeedWeightsMiB,
            MachineType = pool?.MachineType ?? SeedTable.SeedInputs.MachineType,
            ImageCached = poolResource?.ImageCache is not null,
            ConcurrentNodes = concurrentNodes,
            // Every zone of gcp-zone holds its own copy of a zonal volume.
            Zones = settings.Zone is { HasValue: true } zone ? Math.Max(1, zone.Required.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Length) : 1,
            PrefetchSidecar = strategy == VllmLoadStrategy.PrefetchSidecar,
            ParallelReader = strategy is VllmLoadStrategy.RunAiStreamer or VllmLoadStrategy.MultithreadLoad or VllmLoadStrategy.VllmPrefetch,
        };

        var options = new List<StorageOption>();
        StorageOption? configured = null;
        if (disk is not null && disk.DiskType is "pd-ssd" or "pd-balanced")
        {
            configured = new StorageOption(disk.DiskType == "pd-ssd" ? StorageKind.PdSsd : StorageKind.PdBalanced, disk.SizeGb, disk.ReadAheadKb);
            options.Add(configured);
        }

        options.AddRange(StartupPlanner.Alternatives(disk?.ReadAheadKb ?? 1024, inputs.WeightsMiB).Where(o => o != configured));
        var (predictions, cheapest) = StartupPlanner.Compare(options, inputs, targetSeconds);
        var loader = LoaderName(inputs);

        // The configured storage with the other way of loading, so the sidecar's gain (or the recipe's cost) is visible.
        var other = inputs.PrefetchSidecar ? inputs with { PrefetchSidecar = false, ParallelReader = false } : inputs with { PrefetchSidecar = true, ParallelReader = false };
        var otherRow = configured is null ? null : StartupPlanner.Predict(configured, other);

        sections.Add($"Start-up plan for '{vllm.Name}' serving '{weights.Name}' ({F(inputs.WeightsMiB / 1024)} GiB) on {inputs.MachineType}, " +
            $"image {(inputs.ImageCached ? "cached on a secondary boot disk" : "pulled")}, {concurrentNodes} node(s) loading at once, {inputs.Zones} zone(s).");
        // Two tables rather than one wide one: the CLI prints each line of a step's log as is, wrapped at its width.
        var times = new MarkdownTable("Storage", "Loader", "Image pull s", "Import s", "Engine s", "Weight I/O s", "Total s", "");
        var costs = new MarkdownTable("Storage", "MiB/s", "Limited by", "$/month", "");
        void Row(StartupPrediction p, string loaderName, string mark)
        {
            times.AddRow(p.Option.Label, loaderName, F(p.ImagePullSeconds), F(p.ImportSeconds), F(p.EngineSeconds),
                F(p.IoSeconds) + (p.Overlapped ? " (overlapped)" : ""), F(p.TotalSeconds), mark);
            costs.AddRow(p.Option.Label, F(p.BandwidthMiBps, "0"), p.Limit, p.MonthlyCostUsd is { } c ? F(c, "0") : "unverified", mark);
        }

        foreach (var p in predictions)
        {
            var mark = p.Option == configured ? "configured" : "";
            if (p == cheapest)
            {
                mark = (mark.Length > 0 ? mark + ", " : "") + "cheapest within target";
            }

            Row(p, loader, mark);
            if (p.Option == configured && otherRow is not null)
            {
                Row(otherRow, LoaderName(other), "for comparison");
            }
        }

        sections.Add("Predicted start-up of a new pod:");
        sections.Add(times.ToString());
        sections.Add("Read throughput and monthly cost of the storage:");
        sections.Add(costs.ToString());
        if (targetSeconds is { } target)
        {
            sections.Add(cheapest is null
                ? $"No option with a known price starts within {F(target)} s."
                : $"Cheapest within {F(target)} s: {cheapest.Option.Label}, {F(cheapest.TotalSeconds)} s, ${F(cheapest.MonthlyCostUsd!.Value, "0")}/month.");
        }

        sections.Add("Model: T = image pull + import + engine + weights / min(storage cap, VM cap, read-ahead / latency); reference/storage.md §4.4. " +
            "With the prefetch sidecar: T = image pull + max(import + engine, weights / min(storage cap, VM cap)) + tail (docs/benchmarks.md). " +
            "Storage prices are us-central1 list prices per zone.");

        // The configured storage, or the first alternative when the model's disk is not one the planner models.
        var storage = predictions.FirstOrDefault(p => p.Option == configured) ?? predictions[0];
        var whole = new WholeStart(storage.Option, inputs, pool, poolResource?.StandbyCapacity,
            vllm.TryGetLastAnnotation<VllmCompileCacheAnnotation>(out _), storage.MonthlyCostUsd);
        WholeStartSections(sections, whole);
        AutoscalingSections(sections, vllm, whole, planOptions);
    }

    // The configured storage, node pool and options of the model, for the whole-start table.
    private sealed record WholeStart(StorageOption Storage, PlannerInputs Inputs, GkeNodePoolAnnotation? Pool, GkeStandbyCapacityAnnotation? Standby,
        bool CompileCache, double? StorageMonthlyUsd)
    {
        public StartPhases Configured => WholeStartPlanner.Predict(Storage, Inputs, VllmEra.Current, Standby is not null, CompileCache);
    }

    private static void WholeStartSections(List<string> sections, WholeStart w)
    {
        var machine = w.Inputs.MachineType;
        var zones = w.Inputs.Zones;
        var standbyPerZone = w.Standby?.NodesPerZone ?? 1;
        var standbyCost = WholeStartPlanner.StandbyMonthlyCostUsd(machine, standbyPerZone, zones);
        var recipe = w.Inputs with { ImageCached = false, PrefetchSidecar = false, ParallelReader = false };
        var rows = new List<(string Label, StartPhases Phases, bool Standby)>
        {
            ("seed-era vLLM, recipe", WholeStartPlanner.Predict(w.Storage, recipe, VllmEra.SeedEra, false, false), false),
            ("current vLLM, recipe", WholeStartPlanner.Predict(w.Storage, recipe, VllmEra.Current, false, false), false),
            ("+ image cache", WholeStartPlanner.Predict(w.Storage, recipe with { ImageCached = true }, VllmEra.Current, false, false), false),
            ("+ prefetch sidecar", WholeStartPlanner.Predict(w.Storage, recipe with { ImageCached = true, PrefetchSidecar = true }, VllmEra.Current, false, false), false),
            ("+ compile cache", WholeStartPlanner.Predict(w.Storage, recipe with { ImageCached = true, PrefetchSidecar = true }, VllmEra.Current, false, true), false),
            ("+ standby capacity", WholeStartPlanner.Predict(w.Storage, recipe with { ImageCached = true, PrefetchSidecar = true }, VllmEra.Current, true, true), true),
            ("this model", w.Configured, w.Standby is not null),
        };

        sections.Add($"Where a scale-out pod's start goes, in seconds, on {w.Storage.Label} (a new node unless one waits warm); each '+' row adds one option to the row above:");
        var phases = new MarkdownTable("Start", "Node", "Pull", "Imports", "Engine", "Weights", "Compile", "Graphs", "Ready");
        var costs = new MarkdownTable("Start", "Ready s", "Saved s", "$/month");
        double? previous = null;
        foreach (var (label, p, standby) in rows)
        {
            phases.AddRow(label, F(p.NodeSeconds), F(p.ImagePullSeconds), F(p.ImportSeconds), F(p.EngineSeconds), F(p.WeightsSeconds), F(p.CompileSeconds), F(p.CudaGraphSeconds), F(p.ReadySeconds));
            var cost = standby ? w.StorageMonthlyUsd + (standbyCost ?? double.NaN) : w.StorageMonthlyUsd;
            costs.AddRow(label, F(p.ReadySeconds), previous is { } before && label.StartsWith('+') ? F(before - p.ReadySeconds) : "",
                cost is { } c && !double.IsNaN(c) ? F(c, "0") : "unverified");
            previous = p.ReadySeconds;
        }

        sections.Add(phases.ToString());
        sections.Add("Ready time and monthly cost (storage, plus the warm nodes where standby capacity is on):");
        sections.Add(costs.ToString());
        sections.Add("The phase durations are published measurements on other hardware, not ours (reference/startup-2026.md): node 284 s + 126 s init [P30, AKS]; " +
            "current vLLM imports 10.0 s, config, inspection and engine set-up 19.9 s, compile 19.0 s, graphs 4.0 s [P5, Qwen3-8B]; compile from cache 7.5 s [P13]; " +
            "seed era import 6 s and engine 15.7 s " +
            "(reference/storage.md §4); image pull at 10 GiB per 240 s, 5 GiB seed-era and 12 GiB current images (storage.md §7); weights from the storage model above. " +
            "What docs/benchmarks.md measured here is the whole start on the simulator, not these numbers.");

        var node = StartupReference.NodeProvisioningSeconds + StartupReference.NodeInitSeconds;
        var price = standbyCost is { } s ? $"${F(s, "0")}/month ({standbyPerZone} × {zones} zone(s) × {machine} at the us-central1 list price, storage.md §3)" : $"an unverified price ({machine} is not in storage.md §3)";
        sections.Add(w.Standby is not null
            ? $"Standby capacity on '{w.Pool?.Name}': {standbyPerZone} warm node(s) per zone cost {price}; a scale-out onto a warm node skips {F(node)} s of node provisioning and initialisation."
            : $"Standby capacity (WithStandbyCapacity on the node pool) would cost {price} and save {F(node)} s of node provisioning and initialisation per scale-out that needs a node.");
    }

    private static void AutoscalingSections(List<string> sections, VllmResource vllm, WholeStart w, StartupPlanOptions options)
    {
        var startup = w.Configured.ReadySeconds;
        var hpa = vllm.TryGetLastAnnotation<AutoscalingAnnotation>(out var a) ? a : null;
        var (min, max) = hpa is null ? (1, 5) : (hpa.MinReplicas, hpa.MaxReplicas);
        // Reaction time, largest burst and behaviour do not depend on the pod's throughput; only the target does.
        var recommendation = AutoscalingRecommendation.Create(startup, options.QueueLatencySeconds, options.PodRequestsPerSecond ?? 1, options.Burst);
        var up = recommendation.Behavior.ScaleUp!;
        var down = recommendation.Behavior.ScaleDown!;
        sections.Add($"Autoscaling from the start-up: a scale-out helps after R = HPA sync {F(StartupReference.HpaSyncSeconds)} s + scrape 15 s + start-up {F(startup)} s = {F(recommendation.ReactionSeconds)} s. " +
            $"To keep queue waits within {F(options.QueueLatencySeconds)} s the load may step up by at most {F(recommendation.LargestBurst, "0.00")}× while it waits (Plan:Burst is {F(options.Burst, "0.00")}×).");
        var table = new MarkdownTable("HPA setting", "Recommended", "Why");
        table.AddRow("metric", AutoscalingRecommendation.Metric, "the queue (GKE's best practice, reference/startup-2026.md §2.1)");
        table.AddRow("target averageValue", options.PodRequestsPerSecond is null ? "set Plan:PodRequestsPerSecond" : F(recommendation.AverageValue, "0"),
            recommendation.MeetsTarget ? "μ × (latency − (burst − 1) × R)" : "1: no target meets the latency for this burst; shorten the start-up or raise minReplicas");
        table.AddRow("scaleUp", $"window {up.StabilizationWindowSeconds} s, +100% per {up.Policies![0].PeriodSeconds} s", "a pod added late costs a whole start-up");
        table.AddRow("scaleDown", $"window {down.StabilizationWindowSeconds} s, −1 pod per {down.Policies![0].PeriodSeconds} s", "no sooner than a replacement could start (R, at least 300 s)");
        sections.Add(table.ToString());
        if (options.PodRequestsPerSecond is { } rate)
        {
            sections.Add($"Apply it: .WithAutoscaling({min}, {max}, AutoscalingRecommendation.Create(startupSeconds: {F(startup)}, queueLatencySeconds: {F(options.QueueLatencySeconds)}, " +
                $"podRequestsPerSecond: {F(rate, "0.###")}, burst: {F(options.Burst, "0.##")}))" + (hpa is null ? "" : $" (the model's HPA now targets {F(hpa.AverageValue, "0.##")})."));
        }
        else
        {
            sections.Add("For the target, give a pod's completed requests per second at full load: --Plan:PodRequestsPerSecond=N (measure it under the dashboard's Generate load command on the local run).");
        }
    }

    private static string LoaderName(PlannerInputs inputs) =>
        inputs.PrefetchSidecar ? "mmap + prefetch sidecar" : inputs.ParallelReader ? "vLLM parallel loader" : "mmap (recipe)";

    private static void Seed(List<string> sections)
    {
        var comparisons = SeedTable.Explain();
        sections.Add($"The recipe's table (Gemma 7B, {F(PlannerInputs.SeedWeightsMiB, "0")} MiB, {SeedTable.SeedInputs.MachineType}; the timer excludes import) beside the model's prediction:");
        var table = new MarkdownTable("Row", "Measured s", "Predicted s", "Error", "Limited by", "Explained (±10%)");
        foreach (var c in comparisons)
        {
            table.AddRow(c.Row.Label, F(c.Row.MeasuredSeconds), F(c.Prediction.LoadSeconds),
                c.RelativeError.ToString("+0%;-0%;0%", CultureInfo.InvariantCulture), c.Prediction.Limit, c.Explained ? "yes" : "no");
        }

        sections.Add(table.ToString());
        var unexplained = comparisons.Where(c => !c.Explained).ToList();
        sections.Add(unexplained.Count == 0 ? "The model explains every row." : "Rows the model does not explain:");
        foreach (var c in unexplained)
        {
            sections.Add($"- {c.Row.Label}: predicted {F(c.Prediction.LoadSeconds)} s, measured {F(c.Row.MeasuredSeconds)} s. {c.Row.KnownCause ?? "No candidate cause is known."}");
        }

        // The overlap model for the prefetch sidecar beside our weight-load benchmark, converted to the seed's scale.
        sections.Add("The prefetch sidecar (model: max(engine, weights / min(storage cap, VM cap)) + tail) beside bench/weight-load at the seed's scale (docs/benchmarks.md):");
        var bench = new MarkdownTable("Row", "Measured s", "Predicted s", "Error", "Limited by", "Explained (±10%)");
        foreach (var c in SeedTable.ExplainPrefetchBenchmark())
        {
            bench.AddRow(c.Row.Label, F(c.Row.MeasuredSeconds), F(c.Prediction.LoadSeconds),
                c.RelativeError.ToString("+0%;-0%;0%", CultureInfo.InvariantCulture), c.Prediction.Limit, c.Explained ? "yes" : "no");
        }

        sections.Add(bench.ToString());
    }

    private static string F(double value, string format = "0.0") => value.ToString(format, CultureInfo.InvariantCulture);
}
