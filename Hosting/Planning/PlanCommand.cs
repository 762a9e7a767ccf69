using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Planning;

/// <summary>
/// The <c>plan</c> verb: predicted pod start-up time and monthly storage cost for the configured storage and the
/// alternatives (reference/storage.md §2–4); <c>--explain-seed</c> prints the model beside the recipe's measurements.
/// </summary>
internal sealed class PlanCommand : Cli.IAppHostCommand
{
    public Command Create(DistributedApplication app)
    {
        var target = new Option<double?>("--target-seconds") { Description = "Mark the cheapest option whose predicted start-up is at most this many seconds." };
        var explainSeed = new Option<bool>("--explain-seed") { Description = "Print the model's predictions for the recipe's measured table beside the measurements." };
        var concurrentNodes = new Option<int>("--concurrent-nodes") { Description = "Nodes loading from one shared volume at once during a scale-out.", DefaultValueFactory = _ => 1 };
        var command = new Command(Cli.AppHostVerbs.Plan, "Predict pod start-up time and monthly storage cost for the model's storage and the alternatives.")
        {
            target, explainSeed, concurrentNodes,
        };
        Publishing.ConfigurationOverrides.Allow(command);
        command.SetAction((parseResult, _) =>
        {
            if (Publishing.ConfigurationOverrides.Reject(parseResult))
            {
                return Task.FromResult(2);
            }

            var console = CreateConsole();
            if (parseResult.GetValue(target) is { } t && !(t > 0))
            {
                Console.Error.WriteLine($"--target-seconds {t.ToString(CultureInfo.InvariantCulture)} must be above 0: give the start-up time you need, e.g. --target-seconds 60.");
                return Task.FromResult(2);
            }

            if (parseResult.GetValue(concurrentNodes) < 1)
            {
                Console.Error.WriteLine("--concurrent-nodes must be at least 1.");
                return Task.FromResult(2);
            }

            if (parseResult.GetValue(explainSeed))
            {
                WriteSeed(console);
                return Task.FromResult(0);
            }

            return Task.FromResult(WritePlan(console, app.Model, parseResult.GetValue(target), parseResult.GetValue(concurrentNodes)));
        });
        return command;
    }

    private static IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        // Redirected output (files, tests) gets a width that fits the tables instead of 80 columns.
        console.Profile.Width = Math.Max(console.Profile.Width, 240);
        return console;
    }

    private static int WritePlan(IAnsiConsole console, DistributedApplicationModel model, double? targetSeconds, int concurrentNodes)
    {
        var vllm = model.Resources.OfType<VllmResource>().FirstOrDefault(v => v.Weights is not null);
        var environment = model.Resources.OfType<GkeEnvironmentResource>().FirstOrDefault();
        if (vllm?.Weights is not { } weights)
        {
            Console.Error.WriteLine("The model has no vLLM resource with weights: add AddVllm(...).WithModel(weights) to plan its start-up.");
            return 2;
        }

        var pool = environment?.NodePools.FirstOrDefault(p => p.Accelerator is not null);
        var disk = weights.TryGetLastAnnotation<PersistentDiskAnnotation>(out var d) ? d : null;
        var strategy = vllm.TryGetLastAnnotation<VllmLoadStrategyAnnotation>(out var s) ? s.Strategy : VllmLoadStrategy.PrefetchSidecar;
        var inputs = new PlannerInputs
        {
            WeightsMiB = weights.TryGetLastAnnotation<ModelSizeAnnotation>(out var size) ? size.SizeGiB * 1024 : PlannerInputs.SeedWeightsMiB,
            MachineType = pool?.MachineType ?? SeedTable.SeedInputs.MachineType,
            ImageCached = environment?.ImageCache is not null,
            ConcurrentNodes = concurrentNodes,
            // Every zone of gcp-zone holds its own copy of a zonal volume.
            Zones = environment?.Zone is { HasValue: true } zone ? Math.Max(1, zone.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Length) : 1,
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

        console.WriteLine($"Start-up plan for '{vllm.Name}' serving '{weights.Name}' ({F(inputs.WeightsMiB / 1024)} GiB) on {inputs.MachineType}, " +
            $"image {(inputs.ImageCached ? "cached on a secondary boot disk" : "pulled")}, {concurrentNodes} node(s) loading at once, {inputs.Zones} zone(s).");
        var table = new Table().AddColumns("Storage", "Loader", "Image pull s", "Import s", "Engine s", "Weight I/O s", "Total s", "MiB/s", "Limited by", "$/month", "");
        void Row(StartupPrediction p, string loaderName, string mark) =>
            table.AddRow(Markup.Escape(p.Option.Label), Markup.Escape(loaderName), F(p.ImagePullSeconds), F(p.ImportSeconds), F(p.EngineSeconds),
                F(p.IoSeconds) + (p.Overlapped ? " (overlapped)" : ""), F(p.TotalSeconds), F(p.BandwidthMiBps, "0"), Markup.Escape(p.Limit),
                p.MonthlyCostUsd is { } c ? F(c, "0") : "unverified", mark);
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

        console.Write(table);
        if (targetSeconds is { } target)
        {
            console.WriteLine(cheapest is null
                ? $"No option with a known price starts within {F(target)} s."
                : $"Cheapest within {F(target)} s: {cheapest.Option.Label}, {F(cheapest.TotalSeconds)} s, ${F(cheapest.MonthlyCostUsd!.Value, "0")}/month.");
        }

        console.WriteLine("Model: T = image pull + import + engine + weights / min(storage cap, VM cap, read-ahead / latency); reference/storage.md §4.4. " +
            "With the prefetch sidecar: T = image pull + max(import + engine, weights / min(storage cap, VM cap)) + tail (docs/benchmarks.md). " +
            "Storage prices are us-central1 list prices per zone.");
        return 0;
    }

    private static string LoaderName(PlannerInputs inputs) =>
        inputs.PrefetchSidecar ? "mmap + prefetch sidecar" : inputs.ParallelReader ? "vLLM parallel loader" : "mmap (recipe)";

    private static void WriteSeed(IAnsiConsole console)
    {
        var comparisons = SeedTable.Explain();
        console.WriteLine($"The recipe's table (Gemma 7B, {F(PlannerInputs.SeedWeightsMiB, "0")} MiB, {SeedTable.SeedInputs.MachineType}; the timer excludes import) beside the model's prediction:");
        var table = new Table().AddColumns("Row", "Measured s", "Predicted s", "Error", "Limited by", "Explained (±10%)");
        foreach (var c in comparisons)
        {
            table.AddRow(Markup.Escape(c.Row.Label), F(c.Row.MeasuredSeconds), F(c.Prediction.LoadSeconds),
                c.RelativeError.ToString("+0%;-0%;0%", CultureInfo.InvariantCulture), Markup.Escape(c.Prediction.Limit), c.Explained ? "yes" : "no");
        }

        console.Write(table);
        var unexplained = comparisons.Where(c => !c.Explained).ToList();
        console.WriteLine(unexplained.Count == 0 ? "The model explains every row." : "Rows the model does not explain:");
        foreach (var c in unexplained)
        {
            console.WriteLine($"- {c.Row.Label}: predicted {F(c.Prediction.LoadSeconds)} s, measured {F(c.Row.MeasuredSeconds)} s. {c.Row.KnownCause ?? "No candidate cause is known."}");
        }

        // The overlap model for the prefetch sidecar beside our weight-load benchmark, converted to the seed's scale.
        console.WriteLine("The prefetch sidecar (model: max(engine, weights / min(storage cap, VM cap)) + tail) beside bench/weight-load at the seed's scale (docs/benchmarks.md):");
        var bench = new Table().AddColumns("Row", "Measured s", "Predicted s", "Error", "Limited by", "Explained (±10%)");
        foreach (var c in SeedTable.ExplainPrefetchBenchmark())
        {
            bench.AddRow(Markup.Escape(c.Row.Label), F(c.Row.MeasuredSeconds), F(c.Prediction.LoadSeconds),
                c.RelativeError.ToString("+0%;-0%;0%", CultureInfo.InvariantCulture), Markup.Escape(c.Prediction.Limit), c.Explained ? "yes" : "no");
        }

        console.Write(bench);
    }

    private static string F(double value, string format = "0.0") => value.ToString(format, CultureInfo.InvariantCulture);
}
