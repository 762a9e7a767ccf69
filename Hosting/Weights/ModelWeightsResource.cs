namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A model's weights (Hugging Face layout: config.json and safetensors shards). Published, they are baked into a
/// disk image and mounted read-only; locally they are a folder: the one given with <c>RunAsLocalFolder</c>, or a
/// small deterministic sample model generated in the AppHost's data folder. Locally it is a custom resource whose
/// state says whether the folder is ready.
/// </summary>
/// <param name="name">The resource name; also the served model name unless the vLLM resource says otherwise.</param>
/// <param name="source">Where the weights come from when published, e.g. <c>gs://bucket/models/gemma-7b</c>.</param>
public sealed class ModelWeightsResource(string name, string? source) : Resource(name)
{
    /// <summary>Gets where the weights come from when published.</summary>
    public string? Source { get; } = source;

    /// <summary>Gets the local folder that holds the weights in run mode.</summary>
    public string LocalPath => this.TryGetLastAnnotation<LocalWeightsAnnotation>(out var local) ? local.Path : throw new InvalidOperationException($"Model weights '{Name}' have no local folder.");

    /// <summary>Gets whether the local folder is a generated sample rather than the user's own.</summary>
    public bool UsesSampleModel => this.TryGetLastAnnotation<LocalWeightsAnnotation>(out var local) && local.IsSample;
}
