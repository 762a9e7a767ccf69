using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VllmAspire.Provisioner.Deploy;
using VllmAspire.Provisioner.Kubernetes;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Testing;
using VllmAspire.Testing.Fakes.Gcp;
using VllmAspire.Testing.Fakes.Kubernetes;

namespace VllmAspire.Bench;

/// <summary>
/// The deploy graph's scheduling: the Provisioner's real stages over the AppHost model's publish output (the
/// publishing golden files), the GCP stages against the fake Google APIs and the Kubernetes stages against the fake
/// Kubernetes API server, with simulated operation, Job and rollout durations. Reports wall time against the critical
/// path of the measured stage durations (target ≤ 1.1×) and against the sum of all stages.
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

            Console.WriteLine("| run | stages | wall time | critical path | wall / critical path | sum of stages | sum / wall | stages on the critical path |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
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
                    $"| {run} | {summary.Stages.Count} | {Stats.Format(summary.WallTime.TotalSeconds)} | {Stats.Format(summary.CriticalPath.TotalSeconds)} | {ratio:F3}× | {Stats.Format(summary.SumOfStages.TotalSeconds)} | {summary.SumOfStages / summary.WallTime:F2}× | {string.Join(" → ", summary.CriticalPathStages)} |"));
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
        // The weights download Job and the pods' start are the cluster's long waits.
        await using var cluster = await FakeKubernetesApi.StartAsync(new FakeKubernetesOptions
        {
            JobDuration = operation * 3,
            ScheduleDelay = operation / 10,
            PullDuration = operation / 2,
            ReadyDelay = operation,
        });
        var settings = fake.ClientConfiguration();
        settings["Gcp:ContainerPollInterval"] = "00:00:00.050";
        settings["Gcp:Stages:SerialPollInterval"] = "00:00:00.050";
        settings["Gcp:Stages:PollInterval"] = "00:00:00.050";
        settings["Kubernetes:Waits:PollInterval"] = "00:00:00.050";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var golden = Path.Combine(RepositoryPaths.Root, "tests", "VllmAspire.Publishing.Tests", "Golden");
        var app = PublishedApp.Load(golden);
        // The images of ours count as pushed: building them is `dotnet publish`, not the graph's scheduling.
        app = app with
        {
            Plan = app.Plan with { ContainerImages = [], Steps = [.. app.Plan.Steps.Select(s => s with { DependsOn = s.DependsOn with { ContainerImages = [] } })] },
        };
        var services = new ServiceCollection();
        services.AddSingleton(KubernetesClientFactory.Create(cluster.ClientConfiguration(), retryDelay: TimeSpan.FromMilliseconds(20)));
        await using var provider = services.AddLogging().AddDeployment(configuration).BuildServiceProvider();
        var graph = Deployment.BuildGraph(app, provider);
        return await Deployment.RunAsync(app, graph, StageRunMode.Deploy, dryRun: false, provider, [], ct);
    }
}
