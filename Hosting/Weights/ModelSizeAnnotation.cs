namespace Aspire.Hosting.ApplicationModel;

/// <summary>The size of a model's weights, so disks can be checked and start-up predicted.</summary>
/// <param name="SizeGiB">The weights' size in GiB.</param>
public sealed record ModelSizeAnnotation(double SizeGiB) : IResourceAnnotation;
