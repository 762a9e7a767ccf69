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

    private TestBed(FakeKubernetesApi fake, KubernetesWaitOptions waits, string output, TimeProvider? time)
    {
        Fake = fake;
        Client = KubernetesClientFactory.Create(fake.ClientConfiguration(), retryDelay: TimeSpan.FromMilliseconds(5));
        Operations = new KubernetesOperations(Client, waits, time);
        _services = new ServiceCollection().AddSingleton(Operations).BuildServiceProvider();
        Manifests = ManifestSet.Load(output);
        Plan = JsonSerializer.Deserialize<GkePlan>(File.ReadAllText(Path.Combine(output, "gke-plan.json")))!;
        Stages = KubernetesStageFactory.Create(Manifests, Plan);
    }

    public FakeKubernetesApi Fake { get; }

    public IKubernetes Client { get; }

    public KubernetesOperations Operations { get; }

    public ManifestSet Manifests { get; }

    public GkePlan Plan { get; }

    public IReadOnlyList<KubernetesObjectsStage> Stages { get; }

    public List<StageProgress> ProgressNotes { get; } = [];

    /// <summary>Gets the vLLM Deployment (the single-zone golden publishes one).</summary>
    public ManifestObject Deployment => Manifests.OfKind(KubernetesKinds.Deployment).Single(o => o.Labels["app.kubernetes.io/component"] == "inference-server");

    /// <summary>Gets the weights bake Job, named by the weights version (e.g. <c>gemma-7b-d64e632c-bake</c>).</summary>
    public ManifestObject BakeJob => Manifests.OfKind(KubernetesKinds.Job).Single();

    /// <summary>Gets the read-only weights claim the Deployment mounts.</summary>
    public ManifestObject WeightsClaim => Manifests.OfKind(KubernetesKinds.PersistentVolumeClaim).Single(o => o.Labels["app.kubernetes.io/component"] == "weights");

    /// <summary>Gets the weights volume bound to <see cref="WeightsClaim"/>.</summary>
    public ManifestObject WeightsVolume => Manifests.OfKind(KubernetesKinds.PersistentVolume).Single(o => o.Name == WeightsClaim.Name);

    /// <summary>Gets the name label of the weights (<c>gemma-7b</c>), which names the weights stages.</summary>
    public string Weights => BakeJob.Labels["app.kubernetes.io/name"];

    /// <summary>Gets the weights bake stage.</summary>
    public KubernetesObjectsStage BakeStage => Stage($"weights-bake-{Weights}");

    /// <summary>Gets the weights volumes stage.</summary>
    public KubernetesObjectsStage VolumesStage => Stage($"weights-volumes-{Weights}");

    /// <summary>Gets the vLLM workload stage.</summary>
    public KubernetesObjectsStage WorkloadStage => Stage($"workload-{Deployment.Labels["app.kubernetes.io/name"]}");

    /// <summary>Starts the fake and the stages.</summary>
    /// <param name="options">The fake's behaviour.</param>
    /// <param name="waits">The operations' waits.</param>
    /// <param name="output">The publish output.</param>
    /// <param name="time">The clock the operations' waits are timed by (the system's by default).</param>
    public static async Task<TestBed> StartAsync(FakeKubernetesOptions? options = null, KubernetesWaitOptions? waits = null, string? output = null, TimeProvider? time = null)
    {
        var fake = await FakeKubernetesApi.StartAsync(options);
        return new TestBed(fake, waits ?? new KubernetesWaitOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(20),
            JobTimeout = TimeSpan.FromSeconds(20),
            RolloutTimeout = TimeSpan.FromSeconds(20),
            ClaimBindTimeout = TimeSpan.FromSeconds(20),
            DeletionTimeout = TimeSpan.FromSeconds(20),
        }, output ?? Paths.GoldenOutput, time);
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
