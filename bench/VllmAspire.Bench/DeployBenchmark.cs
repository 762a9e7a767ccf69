using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VllmAspire.Contracts.Plan;
using VllmAspire.Provisioner.Deploy;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Testing;
using VllmAspire.Testing.Fakes.Gcp;

namespace VllmAspire.Bench;

/// <summary>
/// The deploy graph's scheduling: the Provisioner's real GCP stages (from the AppHost model's plan, the publishing
/// golden file) against the fake Google APIs with simulated operation durations, plus timed stand-ins for the
/// Kubernetes stages shaped as the real graph (bake Job, PV/PVC, workloads, metrics adapter, HPA). Reports wall time
/// against the critical path of the measured stage durations (target ≤ 1.1×) and against the sum of all stages.
/// </summary>
internal static class DeployBenchmark
{
    public static Command Command()
    {
        var runs = new Option<int>("--runs") { DefaultValueFactory = _ => 3, Description = "Deploys from nothing (each against fresh fakes)." };
        var operation = new Option<double>("--operation-seconds") { DefaultValueFactory = _ => 1.0, Description = "How long each fake long-running operation takes." };
        var command = new Command("deploy", "Wall time of a deploy against the critical path of its stage graph and the sum of its stages.") { runs, operation };
        command.SetAction(async (parse, ct) =>
        {
            var count = parse.GetValue(runs);
            var seconds = parse.GetValue(operation);
            if (count < 1 || !(seconds > 0))
            {
                Console.Error.WriteLine("--runs must be at least 1 and --operation-seconds above 0.");
                return 2;
            }

            Console.WriteLine("| run | stages | wall time | critical path | wall / critical path | sum of stages | sum / wall |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            var ratios = new List<double>();
            for (var run = 1; run <= count; run++)
            {
                var summary = await DeployOnceAsync(TimeSpan.FromSeconds(seconds), ct);
                if (!summary.Succeeded)
                {
                    Console.Error.WriteLine($"Run {run} failed: {string.Join("; ", summary.Stages.Where(s => !s.Completed).Select(s => $"{s.Name}: {s.Message}"))}");
                    return 1;
                }

                var ratio = summary.WallTime / summary.CriticalPath;
                ratios.Add(ratio);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {run} | {summary.Stages.Count} | {Stats.Format(summary.WallTime.TotalSeconds)} | {Stats.Format(summary.CriticalPath.TotalSeconds)} | {ratio:F3}× | {Stats.Format(summary.SumOfStages.TotalSeconds)} | {summary.SumOfStages / summary.WallTime:F2}× |"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median wall / critical path: {Stats.Percentile(ratios, 50):F3}× (target ≤ 1.1×)"));
            return 0;
        });
        return command;
    }

    private static async Task<RunSummary> DeployOnceAsync(TimeSpan operation, CancellationToken ct)
    {
        await using var fake = await FakeGcp.StartAsync();
        fake.ResourceManager.AddProject("my-project", 123456789012);
        fake.Container.AddCluster("my-project", "us-central1", "vllm-cluster");
        fake.Faults.OperationDuration = operation;
        // The builder VM pulls every image: the longest step of the real graph.
        fake.Compute.BuilderDuration = operation * 4;
        var settings = fake.ClientConfiguration();
        settings["Gcp:ContainerPollInterval"] = "00:00:00.050";
        settings["Gcp:Stages:SerialPollInterval"] = "00:00:00.050";
        settings["Gcp:Stages:PollInterval"] = "00:00:00.050";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var golden = Path.Combine(RepositoryPaths.Root, "tests", "VllmAspire.Publishing.Tests", "Golden", "gke-plan.json");
        var plan = JsonSerializer.Deserialize<GkePlan>(await File.ReadAllTextAsync(golden, ct))!;
        var folder = Directory.CreateTempSubdirectory("vllm-aspire-bench-deploy-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(folder, PublishedApp.KubernetesFolderName));
            await File.WriteAllTextAsync(Path.Combine(folder, PublishedApp.PlanFileName), plan.ToJson(), ct);
            var app = PublishedApp.Load(folder);
            var services = new ServiceCollection();
            services.AddSingleton<StageComposer>((published, sp) => [.. DeploymentGraph.Build(published, sp), .. KubernetesStandIns(operation)]);
            await using var provider = services.AddLogging().AddDeployment(configuration).BuildServiceProvider();
            var graph = Deployment.BuildGraph(app, provider);
            return await Deployment.RunAsync(app, graph, StageRunMode.Deploy, dryRun: false, provider, [], ct);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // The Kubernetes half of the graph, with the plan's names, until the Kubernetes stages are composed for real.
    private static IEnumerable<IProvisioningStage> KubernetesStandIns(TimeSpan unit) =>
    [
        new SimulatedStage("k8s-namespace", unit / 4, [], ["kubernetes/Namespace//vllm"]),
        new SimulatedStage("k8s-weights-bake", unit * 3, ["k8s-namespace", "gemma-7b-bake-disk", "project-iam"], ["kubernetes/Job/vllm/gemma-7b-bake"]),
        new SimulatedStage("k8s-weights-volumes", unit / 4, ["gemma-7b-disk-us-central1-a", "k8s-namespace"], []),
        new SimulatedStage("k8s-workloads", unit * 2, ["k8s-weights-volumes", "node-pool-vllm-pool"], []),
        new SimulatedStage("k8s-metrics-adapter", unit / 2, ["project-iam", "k8s-namespace"], []),
        new SimulatedStage("k8s-hpa", unit / 4, ["k8s-workloads", "k8s-metrics-adapter"], []),
    ];
}
