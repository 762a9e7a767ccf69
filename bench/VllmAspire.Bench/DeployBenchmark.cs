using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using VllmAspire.Hosting.Publishing;
using VllmAspire.Testing.Fakes.Gcp;
using VllmAspire.Testing.Fakes.Kubernetes;
using VllmAspire.Testing.Fakes.Registry;
using VllmAspire.Testing.Pipelines;

namespace VllmAspire.Bench;

/// <summary>
/// The deploy graph's scheduling, measured through <c>aspire deploy</c> itself: the AppHost is published and deployed
/// by the aspire CLI, its <c>deploy-gke</c> step running the Provisioner's real stages against the fake Google APIs and
/// the fake Kubernetes API server with simulated operation, Job and rollout durations. Reports the stages' wall time
/// against the critical path of their measured durations (target ≤ 1.1×) and against the sum of all stages, beside the
/// whole command's time (the CLI, the AppHost's start, publish).
/// </summary>
internal static partial class DeployBenchmark
{
    public static Command Command()
    {
        var runs = new Option<int>("--runs") { DefaultValueFactory = _ => 3, Description = "Deploys from nothing (each against fresh fakes)." };
        var operation = new Option<double>("--operation-seconds") { DefaultValueFactory = _ => 1.0, Description = "How long each fake long-running operation takes." };
        var command = new Command("deploy", "Wall time of `aspire deploy` against the critical path of its stage graph and the sum of its stages.") { runs, operation };
        command.SetAction(async (parse, ct) =>
        {
            var count = parse.GetValue(runs);
            var seconds = parse.GetValue(operation);
            if (count < 1 || !(seconds > 0))
            {
                Console.Error.WriteLine("--runs must be at least 1 and --operation-seconds above 0.");
                return 2;
            }

            Console.WriteLine("| run | stages | `aspire deploy` | deploy-gke step | stages' wall time | critical path | wall / critical path | sum of stages | sum / wall | stages on the critical path |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
            var ratios = new List<double>();
            for (var run = 1; run <= count; run++)
            {
                var (exitCode, output, command) = await DeployOnceAsync(TimeSpan.FromSeconds(seconds), ct);
                var totals = Totals().Match(output);
                var step = StepTime().Match(output);
                if (exitCode != 0 || !totals.Success || !step.Success)
                {
                    Console.Error.WriteLine($"Run {run}: aspire deploy exited {exitCode}:\n{output}");
                    return 1;
                }

                double Seconds(string group) => double.Parse(totals.Groups[group].Value, CultureInfo.InvariantCulture);
                var ratio = Seconds("wall") / Seconds("critical");
                ratios.Add(ratio);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {run} | {totals.Groups["stages"].Value} | {Stats.Format(command.TotalSeconds)} | {step.Groups["time"].Value} s | {Seconds("wall"):F1} s | {Seconds("critical"):F1} s | {ratio:F3}× | {Seconds("sum"):F1} s | {Seconds("sum") / Seconds("wall"):F2}× | {totals.Groups["path"].Value} |"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median wall / critical path: {Stats.Percentile(ratios, 50):F3}× (target ≤ 1.1×)"));
            return 0;
        });
        return command;
    }

    private static async Task<(int ExitCode, string Output, TimeSpan Command)> DeployOnceAsync(TimeSpan operation, CancellationToken ct)
    {
        await using var fake = await FakeGcp.StartAsync();
        fake.ResourceManager.AddProject("my-project", 123456789012);
        fake.Container.AddCluster("my-project", "us-central1", "vllm-cluster");
        fake.Faults.OperationDuration = operation;
        // The builder VM pulls every image: the longest step of the real graph.
        fake.Compute.BuilderDuration = operation * 4;
        // The weights download Job and the pods' start are the cluster's long waits.
        await using var cluster = await FakeKubernetesApi.StartAsync(new FakeKubernetesOptions
        {
            JobDuration = operation * 3,
            ScheduleDelay = operation / 10,
            PullDuration = operation / 2,
            ReadyDelay = operation,
        });
        // The sidecar's image is in the registry, as a previous deploy leaves it: building it is `dotnet publish`, not scheduling.
        await using var registry = await FakeRegistry.StartAsync();
        registry.SeedBaseImage($"my-project/vllm/{ProvisionerContainerImage.RepositoryName}", ProvisionerContainerImage.Tag);

        var root = Directory.CreateTempSubdirectory("vllm-aspire-deploy-bench-").FullName;
        try
        {
            var kubeconfig = Path.Combine(root, "kubeconfig");
            await File.WriteAllTextAsync(kubeconfig, cluster.Kubeconfig(), ct);
            var environment = new Dictionary<string, string?>
            {
                ["Parameters__gcp-project"] = "my-project",
                ["Parameters__gcp-location"] = "us-central1",
                ["Parameters__gcp-zone"] = "us-central1-a",
                ["Parameters__gke-cluster"] = "vllm-cluster",
                ["Parameters__container-registry"] = $"{registry.Host}/my-project/vllm",
                ["KUBECONFIG"] = kubeconfig,
                ["Gcp__ContainerPollInterval"] = "00:00:00.050",
                ["Gcp__Stages__SerialPollInterval"] = "00:00:00.050",
                ["Gcp__Stages__PollInterval"] = "00:00:00.050",
                ["Kubernetes__Waits__PollInterval"] = "00:00:00.050",
            };
            foreach (var (key, value) in fake.ClientConfiguration())
            {
                environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }

            var watch = Stopwatch.StartNew();
            using var deploy = AspirePipelineRun.Start(["deploy", "-o", Path.Combine(root, "out")], Path.Combine(root, "aspire-home"), environment);
            var exitCode = await deploy.WaitAsync();
            return (exitCode, string.Join('\n', deploy.Lines), watch.Elapsed);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    // The deploy step's totals line (ConsoleStageReporter.Describe), as the step completes with it.
    [GeneratedRegex(@"\(deploy-gke\) ✓ deploy succeeded: (?<stages>\d+) stages: .*; wall time (?<wall>[\d.]+) s, critical path (?<critical>[\d.]+) s \((?<path>[^)]*)\), sum of stages (?<sum>[\d.]+) s")]
    private static partial Regex Totals();

    // The deploy-gke step's own time in the CLI's step timeline.
    [GeneratedRegex(@"(?<time>[\d.]+)s\s+✓\s+deploy-gke\s")]
    private static partial Regex StepTime();
}
