namespace Aspire.Hosting.ApplicationModel;

/// <summary>Where model weights live in run mode.</summary>
/// <param name="Path">The folder with config.json and the safetensors shards.</param>
/// <param name="IsSample">Whether the folder is a generated sample model rather than the user's own weights.</param>
public sealed record LocalWeightsAnnotation(string Path, bool IsSample) : IResourceAnnotation;
