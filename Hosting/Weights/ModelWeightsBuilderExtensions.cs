using System.Globalization;
using Microsoft.Extensions.Logging;
using VllmAspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Weights;

namespace VllmAspire.Hosting;

/// <summary>Adds model weights to the model.</summary>
public static class ModelWeightsBuilderExtensions
{
    /// <summary>
    /// Adds model weights. Locally, unless <see cref="RunAsLocalFolder"/> names a folder, a small deterministic sample
    /// model (safetensors, ≥ 64 MiB) is generated once in the AppHost's data folder, so the run needs no download.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="source">Where the weights come from when published, e.g. <c>gs://bucket/models/gemma-7b</c>.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<ModelWeightsResource> AddModelWeights(this IDistributedApplicationBuilder builder, string name, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var weights = new ModelWeightsResource(name, source);
        var dataDirectory = builder is DistributedApplicationBuilder concrete ? concrete.DataDirectory : Path.Combine(builder.AppHostDirectory, ".vllm-aspire");
        weights.LocalPath = Path.Combine(dataDirectory, name, "sample-model");
        return builder.AddResource(weights).WithAnnotation(new ResourceStartupAnnotation(context => PrepareAsync(weights, context)));
    }

    /// <summary>Uses a local folder with the model's weights when running locally, instead of the generated sample.</summary>
    /// <param name="builder">The resource builder.</param>
    /// <param name="path">The folder, relative to the AppHost directory.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<ModelWeightsResource> RunAsLocalFolder(this IResourceBuilder<ModelWeightsResource> builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(path);
        builder.Resource.LocalPath = Path.GetFullPath(path, builder.ApplicationBuilder.AppHostDirectory);
        builder.Resource.UsesSampleModel = false;
        return builder;
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

    private static async Task PrepareAsync(ModelWeightsResource weights, ResourceStartupContext context)
    {
        var path = weights.LocalPath!;
        if (!weights.UsesSampleModel)
        {
            if (!Directory.Exists(path) || !Directory.EnumerateFiles(path, "*.safetensors").Any())
            {
                throw new DirectoryNotFoundException(
                    $"model weights '{weights.Name}': folder '{path}' has no *.safetensors files. Point RunAsLocalFolder at a folder with config.json and safetensors shards, or remove the call to use the generated sample model.");
            }

            context.Logger.LogInformation("Using the local weights in {Path}.", path);
            return;
        }

        context.Logger.LogInformation("Preparing the sample model in {Path}.", path);
        var info = await SampleModel.EnsureAsync(path, SampleModel.DefaultTotalBytes, 2, context.CancellationToken).ConfigureAwait(false);
        context.Logger.LogInformation("Sample model {Action}: {Shards} safetensors shards, {Size} MiB.", info.Created ? "generated" : "already present",
            info.ShardPaths.Count, (info.TotalBytes / (1024.0 * 1024)).ToString("F1", CultureInfo.InvariantCulture));
    }
}
