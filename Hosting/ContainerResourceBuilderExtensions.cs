using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting;

/// <summary>Adds container images to the model.</summary>
public static class ContainerResourceBuilderExtensions
{
    /// <summary>Adds a container; locally it runs through docker or podman when an engine answers.</summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="image">The image, e.g. <c>vllm/vllm-openai</c>, optionally with <c>:tag</c>.</param>
    /// <param name="tag">The tag, when not part of <paramref name="image"/>.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<ContainerResource> AddContainer(this IDistributedApplicationBuilder builder, string name, string image, string? tag = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddResource(new ContainerResource(name)).WithImage(image, tag);
    }

    /// <summary>Sets the image a container runs.</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="image">The image, optionally with <c>:tag</c> and a registry prefix.</param>
    /// <param name="tag">The tag, when not part of <paramref name="image"/>.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<T> WithImage<T>(this IResourceBuilder<T> builder, string image, string? tag = null) where T : IResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(image);
        var parsed = ParseImage(image);
        return builder.WithAnnotation(new ContainerImageAnnotation
        {
            Registry = parsed.Registry,
            Image = parsed.Image,
            Tag = tag ?? parsed.Tag ?? "latest",
        }, ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>Splits <c>[registry/]image[:tag]</c>; a first segment with a dot or colon, or <c>localhost</c>, is a registry.</summary>
    /// <param name="reference">The image reference.</param>
    /// <returns>The parts.</returns>
    public static (string? Registry, string Image, string? Tag) ParseImage(string reference)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        string? registry = null;
        var rest = reference;
        var slash = reference.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            var first = reference[..slash];
            if (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost")
            {
                registry = first;
                rest = reference[(slash + 1)..];
            }
        }

        var colon = rest.LastIndexOf(':');
        return colon > 0 && !rest[colon..].Contains('/', StringComparison.Ordinal)
            ? (registry, rest[..colon], rest[(colon + 1)..])
            : (registry, rest, null);
    }
}
