using System.Text.Json;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using VllmAspire.Contracts.Plan;
using VllmAspire.Provisioner.Kubernetes;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Provisioner.Stages.Kubernetes;
using VllmAspire.Testing.Fakes.Kubernetes;

namespace VllmAspire.Provisioner.Kubernetes.Tests;

/// <summary>The fake API server, a client with retries against it, and the stages built from the golden publish output.</summary>
internal sealed class TestBed : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private TestBed(FakeKubernetesApi fake, KubernetesWaitOptions waits)
    {
        Fake = fake;
        Client = KubernetesClientFactory.Create(fake.ClientConfiguration(), retryDelay: TimeSpan.FromMilliseconds(5));
        Operations = new KubernetesOperations(Client, waits);
        _services = new ServiceCollection().AddSingleton(Operations).BuildServiceProvider();
        Manifests = ManifestSet.Load(Paths.GoldenOutput);
        Plan = JsonSerializer.Deserialize<GkePlan>(File.ReadAllText(Path.Combine(Paths.GoldenOutput, "gke-plan.json")))!;
        Stages = KubernetesStageFactory.Create(Manifests, Plan);
    }

    public FakeKubernetesApi Fake { get; }

    public IKubernetes Client { get; }

    public KubernetesOperations Operations { get; }

    public ManifestSet Manifests { get; }

    public GkePlan Plan { get; }

    public IReadOnlyList<KubernetesObjectsStage> Stages { get; }

    public List<StageProgress> ProgressNotes { get; } = [];

    public static async Task<TestBed> StartAsync(FakeKubernetesOptions? options = null, KubernetesWaitOptions? waits = null)
    {
        var fake = await FakeKubernetesApi.StartAsync(options);
        return new TestBed(fake, waits ?? new KubernetesWaitOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(20),
            JobTimeout = TimeSpan.FromSeconds(20),
            RolloutTimeout = TimeSpan.FromSeconds(20),
            ClaimBindTimeout = TimeSpan.FromSeconds(20),
            DeletionTimeout = TimeSpan.FromSeconds(20),
        });
    }

    public KubernetesObjectsStage Stage(string name) => Stages.Single(s => s.Name == name);

    public StageContext Context(bool dryRun = false) => new()
    {
        DryRun = dryRun,
        Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "vllm-aspire" },
        Progress = new SynchronousProgress(ProgressNotes),
        Services = _services,
    };

    /// <summary>Reconciles every stage in the factory's order (which respects dependencies), as the runner would one by one.</summary>
    public async Task<Dictionary<string, StageResult>> DeployAsync(bool dryRun = false, CancellationToken cancellationToken = default)
    {
        var results = new Dictionary<string, StageResult>();
        foreach (var stage in Stages)
        {
            Assert.All(stage.DependsOn.Where(d => Stages.Any(s => s.Name == d)), d => Assert.True(results.ContainsKey(d), $"{stage.Name} ran before {d}"));
            results[stage.Name] = await stage.ReconcileAsync(Context(dryRun), cancellationToken);
        }

        return results;
    }

    /// <summary>Reconciles the named stages, in order.</summary>
    public async Task ReconcileAsync(params string[] names)
    {
        foreach (var name in names)
        {
            await Stage(name).ReconcileAsync(Context(), CancellationToken.None);
        }
    }

    public async Task<Dictionary<string, StageResult>> DestroyAsync(bool dryRun = false)
    {
        var results = new Dictionary<string, StageResult>();
        foreach (var stage in Stages.Reverse())
        {
            results[stage.Name] = await stage.DestroyAsync(Context(dryRun), CancellationToken.None);
        }

        return results;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _services.DisposeAsync();
        await Fake.DisposeAsync();
    }

    private sealed class SynchronousProgress(List<StageProgress> notes) : IProgress<StageProgress>
    {
        public void Report(StageProgress value)
        {
            lock (notes)
            {
                notes.Add(value);
            }
        }
    }
}
