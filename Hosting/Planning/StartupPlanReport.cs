using System.Globalization;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Gke;

namespace VllmAspire.Hosting.Planning;

/// <summary>Settings of a start-up plan (configuration <c>Plan:*</c>).</summary>
internal sealed record StartupPlanOptions
{
    /// <summary>Gets the start-up time the user needs: the cheapest option within it is marked.</summary>
    public double? TargetSeconds { get; init; }

    /// <summary>Gets how many nodes load from one shared volume at once during a scale-out.</summary>
    public int ConcurrentNodes { get; init; } = 1;
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

        var sections = new List<string>();
        Plan(sections, model, environment, settings, options.TargetSeconds, options.ConcurrentNodes);
        Seed(sections);

        return sections;
    }

    private static void Plan(List<string> sections, DistributedApplicationModel model, GkeEnvironmentResource environment, GkeSettings settings, double? targetSeconds, int concurrentNodes)
    {
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
