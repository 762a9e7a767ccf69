using System.Collections.Immutable;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Logging;
using VllmAspire.Hosting;
using VllmAspire.Hosting.Weights;

namespace Aspire.Hosting;

/// <summary>Adds model weights to the application model.</summary>
public static class ModelWeightsBuilderExtensions
{
    /// <summary>The resource type the dashboard shows for model weights.</summary>
    public const string ResourceType = "ModelWeights";

    /// <summary>
    /// Adds model weights. Locally, unless <see cref="RunAsLocalFolder"/> names a folder, a small deterministic sample
    /// model (safetensors, 64 MiB) is generated once in the AppHost's data folder, so the run needs no download; the
    /// resource turns Running once the folder is ready, and resources that <c>WaitFor</c> it start then.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name; vLLM serves the model under this name unless told otherwise.</param>
    /// <param name="source">Where the weights come from when published, e.g. <c>gs://bucket/models/gemma-7b</c>.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    /// <example>
    /// Serve Gemma 7B from a bucket on GKE and the generated sample locally:
    /// <code lang="csharp">
    /// var weights = builder.AddModelWeights("gemma-7b", source: "gs://my-bucket/models/gemma-7b")
    ///     .WithSize(sizeGiB: 15.9)
    ///     .PublishAsPersistentDisk(type: "pd-ssd", sizeGb: 2048, readAheadKb: 4096);
    /// builder.AddVllm("vllm").WithModel(weights);
    /// </code>
    /// </example>
    public static IResourceBuilder<ModelWeightsResource> AddModelWeights(this IDistributedApplicationBuilder builder, [ResourceName] string name, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var weights = new ModelWeightsResource(name, source);
        var resource = builder.AddResource(weights)
            .WithAnnotation(new LocalWeightsAnnotation(Path.Combine(LocalDataDirectory.Get(builder), name, "sample-model"), IsSample: true))
            .WithIconName("BrainCircuit");
        if (!builder.ExecutionContext.IsRunMode)
        {
            return resource;
        }

        return resource
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = ResourceType,
                State = KnownResourceStates.NotStarted,
                Properties = Properties(weights),
            })
            .OnInitializeResource(PrepareAsync);
    }

    /// <summary>Uses a local folder with the model's weights when running locally, instead of the generated sample.</summary>
    /// <param name="builder">The resource builder.</param>
    /// <param name="path">The folder, relative to the AppHost directory; it must hold config.json and *.safetensors.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<ModelWeightsResource> RunAsLocalFolder(this IResourceBuilder<ModelWeightsResource> builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return builder.WithAnnotation(new LocalWeightsAnnotation(Path.GetFullPath(path, builder.ApplicationBuilder.AppHostDirectory), IsSample: false),
            ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>
    /// Publishes the weights as a read-only disk per zone (created from a baked image, mounted ReadOnlyMany with
    /// <c>read_ahead_kb</c>). Locally nothing changes: the weights stay a folder.
    /// </summary>
    /// <param name="builder">The resource builder.</param>
    /// <param name="type">The disk type, e.g. <c>pd-ssd</c> or <c>pd-balanced</c>.</param>
    /// <param name="sizeGb">The disk size in GB; throughput grows with it.</param>
    /// <param name="readAheadKb">The read-ahead in KiB, a positive multiple of 4 (checked when publishing).</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    /// <example>
    /// <code lang="csharp">
    /// builder.AddModelWeights("gemma-7b", source: "gs://my-bucket/models/gemma-7b")
    ///     .PublishAsPersistentDisk(type: "pd-ssd", sizeGb: 2048, readAheadKb: 4096);
    /// </code>
    /// </example>
    public static IResourceBuilder<ModelWeightsResource> PublishAsPersistentDisk(this IResourceBuilder<ModelWeightsResource> builder,
        string type = "pd-ssd", int sizeGb = 2048, int readAheadKb = 4096)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(type);
        return builder.WithAnnotation(new PersistentDiskAnnotation(type, sizeGb, readAheadKb), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>Declares the weights' size, so publishing can check the disk holds them and the planner can predict load time.</summary>
    /// <param name="builder">The resource builder.</param>
    /// <param name="sizeGiB">The size in GiB, above 0.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<ModelWeightsResource> WithSize(this IResourceBuilder<ModelWeightsResource> builder, double sizeGiB)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sizeGiB);
        return builder.WithAnnotation(new ModelSizeAnnotation(sizeGiB), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>
    /// Declares the revision of the weights at their source. Published disk, image and volume names carry a hash of
    /// source and revision, so a new revision is baked into new objects beside the old ones (deploy rolls the pods over
    /// and then deletes the old ones); change it whenever the files at the source change.
    /// </summary>
    /// <param name="builder">The resource builder.</param>
    /// <param name="revision">The revision, e.g. a commit SHA or a Cloud Storage object generation.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<ModelWeightsResource> WithRevision(this IResourceBuilder<ModelWeightsResource> builder, string revision)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(revision);
        return builder.WithAnnotation(new ModelRevisionAnnotation(revision), ResourceAnnotationMutationBehavior.Replace);
    }

    private static async Task PrepareAsync(ModelWeightsResource weights, InitializeResourceEvent e, CancellationToken cancellationToken)
    {
        var path = weights.LocalPath;
        await e.Notifications.PublishUpdateAsync(weights, s => s with { State = KnownResourceStates.Starting, Properties = Properties(weights) }).ConfigureAwait(false);
        try
        {
            long bytes;
            if (weights.UsesSampleModel)
            {
                e.Logger.LogInformation("Preparing the sample model in {Path}.", path);
                var info = await SampleModel.EnsureAsync(path, SampleModel.DefaultTotalBytes, 2, cancellationToken).ConfigureAwait(false);
                e.Logger.LogInformation("Sample model {Action}: {Shards} safetensors shards, {Size} MiB.", info.Created ? "generated" : "already present",
                    info.ShardPaths.Count, (info.TotalBytes / (1024.0 * 1024)).ToString("F1", CultureInfo.InvariantCulture));
                bytes = info.TotalBytes;
            }
            else
            {
                var shards = Directory.Exists(path) ? Directory.GetFiles(path, "*.safetensors") : [];
                if (shards.Length == 0)
                {
                    throw new DirectoryNotFoundException(
                        $"model weights '{weights.Name}': folder '{path}' has no *.safetensors files. Point RunAsLocalFolder at a folder with config.json and safetensors shards, or remove the call to use the generated sample model.");
                }

                e.Logger.LogInformation("Using the local weights in {Path}.", path);
                bytes = shards.Sum(f => new FileInfo(f).Length);
            }

            await e.Notifications.PublishUpdateAsync(weights, s => s with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
                Properties = Properties(weights).Add(new ResourcePropertySnapshot("weights.sizeMiB", Math.Round(bytes / (1024.0 * 1024), 1))),
            }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            e.Logger.LogError("{Message}", ex.Message);
            await e.Notifications.PublishUpdateAsync(weights, s => s with { State = KnownResourceStates.FailedToStart }).ConfigureAwait(false);
        }
    }

    private static ImmutableArray<ResourcePropertySnapshot> Properties(ModelWeightsResource weights) =>
    [
        new("weights.path", weights.LocalPath),
        new("weights.sample", weights.UsesSampleModel),
        new("weights.source", weights.Source),
    ];
}
