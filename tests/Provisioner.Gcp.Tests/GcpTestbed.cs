using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VllmAspire.Contracts.Plan;
using VllmAspire.Provisioner.Gcp;
using VllmAspire.Provisioner.Gcp.Compute;
using VllmAspire.Provisioner.Gcp.Container;
using VllmAspire.Provisioner.Gcp.ResourceManager;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Provisioner.Stages.Gcp;
using VllmAspire.Testing;
using VllmAspire.Testing.Fakes.Gcp;

namespace VllmAspire.Provisioner.Gcp.Tests;

/// <summary>The fake Google APIs, the real clients pointed at them with fast retries, and the publish plan of the AppHost's model.</summary>
internal sealed class GcpTestbed : IAsyncDisposable
{
    public const string Project = "my-project";
    public const long ProjectNumber = 123456789012;
    public const string Zone = "us-central1-a";
    public const string Cluster = "projects/my-project/locations/us-central1/clusters/vllm-cluster";

    private readonly ServiceProvider _services;

    private GcpTestbed(FakeGcp fake, ServiceProvider services, GkePlan plan)
    {
        Fake = fake;
        _services = services;
        Plan = plan;
    }

    public FakeGcp Fake { get; }

    public GkePlan Plan { get; }

    public GcpStageOptions StageOptions { get; } = new()
    {
        BuilderTimeout = TimeSpan.FromSeconds(5),
        SerialPollInterval = TimeSpan.FromMilliseconds(10),
        PollInterval = TimeSpan.FromMilliseconds(10),
        ReadyTimeout = TimeSpan.FromSeconds(10),
        CleanupTimeout = TimeSpan.FromSeconds(10),
        IamBaseDelay = TimeSpan.FromMilliseconds(5),
    };

    public ConcurrentQueue<StageProgress> Progress { get; } = new();

    public ComputeClient Compute => _services.GetRequiredService<ComputeClient>();

    public ContainerClient Container => _services.GetRequiredService<ContainerClient>();

    public ResourceManagerClient ResourceManager => _services.GetRequiredService<ResourceManagerClient>();

    /// <summary>The labels the plan puts on the image-cache objects.</summary>
    public static IReadOnlyDictionary<string, string> CacheLabels { get; } = new Dictionary<string, string> { ["app"] = "vllm", ["resource"] = "gke", ["managed-by"] = "vllm-aspire" };

    public static async Task<GcpTestbed> StartAsync(Action<Dictionary<string, string?>>? configure = null)
    {
        var fake = await FakeGcp.StartAsync();
        fake.ResourceManager.AddProject(Project, ProjectNumber);
        fake.Container.AddCluster(Project, "us-central1", "vllm-cluster");
        var settings = fake.ClientConfiguration();
        settings["Gcp:Retry:MaxRetryAttempts"] = "12";
        settings["Gcp:Retry:BaseDelay"] = "00:00:00.005";
        settings["Gcp:Retry:MaxDelay"] = "00:00:00.050";
        settings["Gcp:OperationTimeout"] = "00:00:20";
        settings["Gcp:ContainerPollInterval"] = "00:00:00.010";
        configure?.Invoke(settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddGcpClients(configuration).BuildServiceProvider();
        var planPath = Path.Combine(RepositoryPaths.Root, "tests", "VllmAspire.Publishing.Tests", "Golden", "gke-plan.json");
        var plan = WithoutImages(JsonSerializer.Deserialize<GkePlan>(await File.ReadAllTextAsync(planPath))!);
        return new GcpTestbed(fake, services, plan);
    }

    public IReadOnlyList<IProvisioningStage> Stages() => Stages(Plan);

    public IReadOnlyList<IProvisioningStage> Stages(GkePlan plan) => GcpStageFactory.Create(plan, StageOptions);

    /// <summary>Reads a golden plan of the publishing tests, e.g. <c>GoldenModelUpdate</c>, without its container images.</summary>
    public static GkePlan ReadPlan(string golden) =>
        WithoutImages(JsonSerializer.Deserialize<GkePlan>(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "VllmAspire.Publishing.Tests", golden, "gke-plan.json")))!);

    // The GCP stages alone: the container images the plan builds (image stages, tested in Provisioner.Images.Tests) count as pushed.
    private static GkePlan WithoutImages(GkePlan plan) =>
        plan with { ContainerImages = [], Steps = [.. plan.Steps.Select(s => s with { DependsOn = s.DependsOn with { ContainerImages = [] } })] };

    public IProvisioningStage Stage(string name) => Stages().Single(s => s.Name == name);

    public StageContext Context(bool dryRun = false) => new()
    {
        DryRun = dryRun,
        Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "vllm-aspire" },
        Progress = new SynchronousProgress<StageProgress>(Progress.Enqueue),
        Services = _services,
    };

    /// <summary>
    /// Runs every stage as soon as its dependencies inside the plan are done (Kubernetes objects count as done), so
    /// independent stages run in parallel as under the real runner.
    /// </summary>
    public async Task<Dictionary<string, StageResult>> DeployAsync(bool dryRun = false, GkePlan? plan = null)
    {
        var stages = Stages(plan ?? Plan);
        var tasks = new Dictionary<string, Task<StageResult>>(StringComparer.Ordinal);
        foreach (var stage in Ordered(stages))
        {
            var dependencies = stage.DependsOn.Where(d => !d.StartsWith("kubernetes/", StringComparison.Ordinal))
                .Select(d => tasks[stages.First(s => s.Name == d || s.Provides.Contains(d)).Name]).ToList();
            tasks[stage.Name] = RunAfterAsync(dependencies, stage, dryRun);
        }

        await Task.WhenAll(tasks.Values);
        return tasks.ToDictionary(t => t.Key, t => t.Value.Result);
    }

    /// <summary>Destroys in reverse dependency order.</summary>
    public async Task<Dictionary<string, StageResult>> DestroyAsync(bool dryRun = false)
    {
        var results = new Dictionary<string, StageResult>();
        foreach (var stage in Ordered(Stages()).Reverse())
        {
            results[stage.Name] = await stage.DestroyAsync(Context(dryRun), CancellationToken.None);
        }

        return results;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Fake.DisposeAsync();
    }

    private async Task<StageResult> RunAfterAsync(List<Task<StageResult>> dependencies, IProvisioningStage stage, bool dryRun)
    {
        await Task.WhenAll(dependencies);
        return await stage.ReconcileAsync(Context(dryRun), CancellationToken.None);
    }

    private static IEnumerable<IProvisioningStage> Ordered(IReadOnlyList<IProvisioningStage> stages)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var pending = stages.ToList();
        while (pending.Count > 0)
        {
            var ready = pending.First(s => s.DependsOn.All(d => d.StartsWith("kubernetes/", StringComparison.Ordinal) || done.Contains(d)));
            pending.Remove(ready);
            done.Add(ready.Name);
            done.UnionWith(ready.Provides);
            yield return ready;
        }
    }
}
