using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VllmAspire.Contracts.Plan;
using VllmAspire.Provisioner.Gcp;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Provisioner.Stages.Gcp;
using VllmAspire.Provisioner.Stages.Images;
using VllmAspire.Testing.Fakes.Registry;

namespace VllmAspire.Provisioner.Images.Tests;

/// <summary>A fake registry seeded with a base image, the tiny project, and the stage's context with a token source.</summary>
internal sealed class ImageTestbed : IAsyncDisposable
{
    public const string Repository = "my-project/vllm/tiny-image-app";
    public const string Tag = "1.2.3";

    private ImageTestbed(FakeRegistry registry, TinyProject project, string baseImage)
    {
        Registry = registry;
        Project = project;
        BaseImage = baseImage;
    }

    public FakeRegistry Registry { get; }

    public TinyProject Project { get; }

    public string BaseImage { get; }

    public string Reference => $"{Registry.Host}/{Repository}:{Tag}";

    public ConcurrentQueue<StageProgress> Progress { get; } = new();

    public static async Task<ImageTestbed> StartAsync(FakeRegistryChallenge challenge = FakeRegistryChallenge.Bearer, string? program = null)
    {
        var registry = await FakeRegistry.StartAsync(challenge);
        var baseImage = registry.SeedBaseImage("dotnet/runtime", "10.0");
        return new ImageTestbed(registry, program is null ? TinyProject.Create() : TinyProject.Create(program), baseImage);
    }

    public GkePlan Plan(string? reference = null) => new()
    {
        Project = "my-project",
        Location = "us-central1",
        Cluster = "vllm-cluster",
        Steps = [],
        ContainerImages = [new GkePlanContainerImage { Reference = reference ?? Reference, Project = Project.RelativePath }],
    };

    public ContainerImageStage Stage(string? reference = null) =>
        ContainerImageStageFactory.Create(Plan(reference), Project.Root, new ContainerImageStageOptions { BaseImage = BaseImage, BuildTimeout = TimeSpan.FromMinutes(3), RequestTimeout = TimeSpan.FromSeconds(10), RetryBaseDelay = TimeSpan.FromMilliseconds(10) }).Single();

    public StageContext Context(bool dryRun = false, string token = FakeRegistry.Password)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [GcpAccessTokenSource.TokenVariable] = token }).Build();
        var services = new ServiceCollection().AddSingleton<IGcpAccessTokenSource>(new GcpAccessTokenSource(configuration)).BuildServiceProvider();
        return new StageContext
        {
            DryRun = dryRun,
            Labels = new Dictionary<string, string> { ["app"] = "tiny" },
            Progress = new DelegateProgress<StageProgress>(Progress.Enqueue),
            Services = services,
        };
    }

    public async ValueTask DisposeAsync()
    {
        await Registry.DisposeAsync();
        Project.Dispose();
    }
}
