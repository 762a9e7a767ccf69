using VllmAspire.Hosting;
using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Publishing.Tests;

/// <summary>The AppHost's model, built in publish mode in-process so each test can change one setting.</summary>
internal sealed class TestModel
{
    public Dictionary<string, string?> Parameters { get; } = AppHostCli.Parameters.ToDictionary(p => p.Key, p => (string?)p.Value);

    public string VllmName { get; set; } = "vllm";

    public string WeightsName { get; set; } = "gemma-7b";

    public string Image { get; set; } = "vllm/vllm-openai:v0.10.1";

    public string MachineType { get; set; } = "g2-standard-16";

    public string? Accelerator { get; set; } = "nvidia-l4";

    public string? ImageCacheName { get; set; }

    public PersistentDiskAnnotation Disk { get; set; } = new("pd-ssd", 2048, 4096);

    public double WeightsGiB { get; set; } = 15.9;

    public string WeightsSource { get; set; } = "gs://my-bucket/models/gemma-7b";

    public string? WeightsRevision { get; set; }

    public AutoscalingAnnotation Autoscaling { get; set; } = new(1, 5, "vllm:num_requests_waiting", 10);

    public MetricsAdapterKind? MetricsAdapter { get; set; }

    public VllmLoadStrategy? LoadStrategy { get; set; }

    public VllmMemoryAnnotation? Memory { get; set; }

    public DistributedApplication Build(string verb = "publish")
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Args = [verb],
            AppHostDirectory = Path.GetTempPath(),
            DisableDashboard = true,
        });
        foreach (var (name, value) in Parameters)
        {
            builder.Configuration[$"Parameters:{name}"] = value;
        }

        var gke = builder.AddGkeEnvironment("gke")
            .WithNodePool("vllm-pool", machineType: MachineType, accelerator: Accelerator, count: 1, minNodes: 1, maxNodes: 5);
        if (MetricsAdapter is { } adapter)
        {
            gke.WithMetricsAdapter(adapter);
        }

        if (ImageCacheName is not null)
        {
            gke.WithImageCache(ImageCacheName);
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

        return builder.Build();
    }

    /// <summary>Publishes into a fresh folder and returns the exit code, the errors and whether anything was written.</summary>
    public (int ExitCode, string Errors, bool Written) Publish()
    {
        using var app = Build();
        var root = Directory.CreateTempSubdirectory("vllm-aspire-validate-").FullName;
        try
        {
            var output = Path.Combine(root, "out");
            var errors = new StringWriter();
            var exitCode = Hosting.Publishing.GkePublisher.Publish(app.Model, output, TextWriter.Null, errors);
            return (exitCode, errors.ToString(), Directory.EnumerateFileSystemEntries(root).Any());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
