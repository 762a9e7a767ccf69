using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using k8s;
using k8s.Models;
using VllmAspire.Testing;
using VllmAspire.Hosting.Gke;
using VllmAspire.Hosting.Planning;
using VllmAspire.Hosting.Publishing;

namespace VllmAspire.Publishing.Tests;

/// <summary>The AppHost's model, built with Aspire's builder in publish mode in-process, so each test can change one setting.</summary>
internal sealed class TestModel
{
    /// <summary>The parameters of the test environment, as the AppHost tests set them.</summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultParameters = new Dictionary<string, string>
    {
        ["gcp-project"] = "my-project",
        ["gcp-location"] = "us-central1",
        ["gcp-zone"] = "us-central1-a",
        ["gke-cluster"] = "vllm-cluster",
        ["container-registry"] = "us-central1-docker.pkg.dev/my-project/vllm",
    };

    public Dictionary<string, string?> Parameters { get; } = DefaultParameters.ToDictionary(p => p.Key, p => (string?)p.Value);

    public string VllmName { get; set; } = "vllm";

    public string WeightsName { get; set; } = "gemma-7b";

    public string Image { get; set; } = "vllm/vllm-openai:v0.10.1";

    /// <summary>Gets or sets the node pool's name; <see langword="null"/> for an environment without a pool.</summary>
    public string? PoolName { get; set; } = "vllm-pool";

    public string MachineType { get; set; } = "g2-standard-16";

    public string? Accelerator { get; set; } = "nvidia-l4";

    public int AcceleratorCount { get; set; } = 1;

    public string? ImageCacheName { get; set; }

    /// <summary>Gets or sets the pool's <c>WithStandbyCapacity(nodesPerZone)</c>, or <see langword="null"/> for none.</summary>
    public int? StandbyNodesPerZone { get; set; }

    public int MaxNodes { get; set; } = 5;

    public PersistentDiskAnnotation Disk { get; set; } = new("pd-ssd", 2048, 4096);

    public double WeightsGiB { get; set; } = 15.9;

    public string WeightsSource { get; set; } = "gs://my-bucket/models/gemma-7b";

    public string? WeightsRevision { get; set; }

    public AutoscalingAnnotation Autoscaling { get; set; } = new(1, 5, "vllm:num_requests_waiting", 10);

    public MetricsAdapterKind? MetricsAdapter { get; set; }

    public VllmLoadStrategy? LoadStrategy { get; set; }

    public VllmMemoryAnnotation? Memory { get; set; }

    public int? MaxNumSeqs { get; set; }

    /// <summary>Gets or sets whether vLLM has <c>WithCompileCache()</c>.</summary>
    public bool CompileCache { get; set; }

    /// <summary>Changes the model further before it is built, e.g. a second node pool.</summary>
    public Action<IDistributedApplicationBuilder, IResourceBuilder<GkeEnvironmentResource>, IResourceBuilder<VllmResource>>? Configure { get; set; }

    public TestApp Build(bool publishMode = true)
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Args = publishMode ? ["--operation", "publish"] : [],
            DisableDashboard = true,
        });
        foreach (var (name, value) in Parameters)
        {
            builder.Configuration[$"Parameters:{name}"] = value;
        }

        var gke = builder.AddGkeEnvironment("gke");
        var pool = PoolName is null ? null : gke.AddNodePool(PoolName, machineType: MachineType, accelerator: Accelerator, acceleratorCount: AcceleratorCount, count: 1, minNodes: 1, maxNodes: MaxNodes);
        if (MetricsAdapter is { } adapter)
        {
            gke.WithMetricsAdapter(adapter);
        }

        if (ImageCacheName is not null)
        {
            pool?.WithImageCache(ImageCacheName);
        }

        if (StandbyNodesPerZone is { } standby)
        {
            pool?.WithStandbyCapacity(standby);
        }

        var weights = builder.AddModelWeights(WeightsName, source: WeightsSource)
            .WithSize(WeightsGiB)
            .WithAnnotation(Disk);
        if (WeightsRevision is not null)
        {
            weights.WithRevision(WeightsRevision);
        }

        var vllm = builder.AddVllm(VllmName, image: Image)
            .WithModel(weights)
            .WithAnnotation(Autoscaling);
        if (LoadStrategy is { } strategy)
        {
            vllm.WithLoadStrategy(strategy);
        }

        if (Memory is not null)
        {
            vllm.WithAnnotation(Memory);
        }

        if (MaxNumSeqs is { } maxNumSeqs)
        {
            vllm.WithMaxNumSeqs(maxNumSeqs);
        }

        if (CompileCache)
        {
            vllm.WithCompileCache();
        }

        Configure?.Invoke(builder, gke, vllm);
        return new TestApp(builder);
    }

    /// <summary>Publishes into a fresh folder and returns the problems and whether anything was written.</summary>
    public PublishAttempt Publish()
    {
        using var app = Build();
        var root = Directory.CreateTempSubdirectory("vllm-aspire-validate-").FullName;
        try
        {
            var result = app.Publish(Path.Combine(root, "out"));
            return new PublishAttempt(result.Problems, Directory.EnumerateFileSystemEntries(root).Any());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Gets the plan <c>aspire do plan</c> prints for the model, built as the step builds it.</summary>
    /// <param name="options">The plan's settings; the defaults when <see langword="null"/>.</param>
    /// <returns>The report's sections, one per line.</returns>
    public string PlanReport(StartupPlanOptions? options = null)
    {
        using var app = Build();
        return string.Join('\n', StartupPlanReport.Create(app.Model, app.Environment, app.Settings, options ?? new StartupPlanOptions()));
    }

    /// <summary>Builds the model's Kubernetes objects and GKE plan in memory; fails the test with the problems when there are any.</summary>
    public PublishedModel PublishInMemory()
    {
        using var app = Build();
        var model = app.PublishModel();
        return new PublishedModel(model, KubernetesManifestBuilder.Build(model), GkePlanBuilder.Build(model));
    }

    /// <summary>Publishes into a fresh folder and validates every written object against the official schemas and the CRDs.</summary>
    /// <returns>The validator's exit code and output.</returns>
    public async Task<(int ExitCode, string Output)> ValidateAgainstSchemasAsync()
    {
        var root = Directory.CreateTempSubdirectory("vllm-aspire-schemas-").FullName;
        try
        {
            using (var app = Build())
            {
                var problems = app.Publish(Path.Combine(root, "out")).Problems;
                Assert.True(problems.Count == 0, string.Join('\n', problems));
            }

            var files = Directory.GetFiles(Path.Combine(root, "out", "kubernetes"), "*.yaml").Where(f => !f.EndsWith("kustomization.yaml", StringComparison.Ordinal)).ToList();
            return await KubernetesSchemaValidator.ValidateAsync(files);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}

/// <summary>A <see cref="TestModel"/>'s publish, in memory.</summary>
/// <param name="Model">The validated publish model.</param>
/// <param name="Objects">The Kubernetes objects.</param>
/// <param name="Plan">The GKE plan.</param>
internal sealed record PublishedModel(GkePublishModel Model, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects, Contracts.Plan.GkePlan Plan);

/// <summary>What a publish of a <see cref="TestModel"/> did.</summary>
/// <param name="Problems">One line per problem; empty when it published.</param>
/// <param name="Written">Whether anything was written.</param>
internal sealed record PublishAttempt(IReadOnlyList<string> Problems, bool Written)
{
    public bool Succeeded => Problems.Count == 0;

    public string Errors => string.Join('\n', Problems);
}

/// <summary>A <see cref="TestModel"/> built: its resources, as the publish step sees them.</summary>
internal sealed class TestApp(IDistributedApplicationBuilder builder) : IDisposable
{
    public DistributedApplicationModel Model { get; } = new(builder.Resources);

    public GkeEnvironmentResource Environment => Model.Resources.OfType<GkeEnvironmentResource>().Single();

    /// <summary>Gets the environment's parameters resolved from configuration, as the steps resolve them.</summary>
    public GkeSettings Settings => GkeSettings.ResolveAsync(Environment, builder.Configuration, CancellationToken.None).GetAwaiter().GetResult();

    public GkePublishModel? TryCreatePublishModel(out IReadOnlyList<string> problems) => GkePublishModel.TryCreate(Model, Settings, out problems);

    /// <summary>Gets the validated publish model; fails the test with the problems when there are any.</summary>
    public GkePublishModel PublishModel()
    {
        var model = TryCreatePublishModel(out var problems);
        Assert.True(model is not null, string.Join('\n', problems));
        return model;
    }

    public GkePublishResult Publish(string output) => GkePublisher.Publish(Model, Settings, output);

    // The builder's configuration watches files; nothing else of an unbuilt builder holds resources.
    public void Dispose() => (builder.Configuration as IDisposable)?.Dispose();
}
