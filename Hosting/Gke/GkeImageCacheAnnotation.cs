namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Pre-caches every container image of the model on a secondary boot disk (<c>CONTAINER_IMAGE_CACHE</c>) of a
/// node pool's nodes, so new nodes do not pull the vLLM image.
/// </summary>
/// <param name="ImageName">The disk image name: at most 39 characters (reference/gcp.md §1.5).</param>
/// <param name="DiskSizeGb">The size of the builder's data disk, which bounds the images it can hold.</param>
public sealed record GkeImageCacheAnnotation(string ImageName, int DiskSizeGb = 100) : IResourceAnnotation;
