using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting;

/// <summary>Configures one resource fluently; every <c>With…</c> method returns the same builder.</summary>
/// <typeparam name="T">The resource type.</typeparam>
public interface IResourceBuilder<out T> where T : IResource
{
    /// <summary>Gets the application builder the resource belongs to.</summary>
    IDistributedApplicationBuilder ApplicationBuilder { get; }

    /// <summary>Gets the resource.</summary>
    T Resource { get; }

    /// <summary>Adds an annotation to the resource.</summary>
    /// <typeparam name="TAnnotation">The annotation type.</typeparam>
    /// <param name="annotation">The annotation.</param>
    /// <param name="behavior">Whether to append, or replace annotations of the same type.</param>
    /// <returns>The builder.</returns>
    IResourceBuilder<T> WithAnnotation<TAnnotation>(TAnnotation annotation, ResourceAnnotationMutationBehavior behavior = ResourceAnnotationMutationBehavior.Append)
        where TAnnotation : IResourceAnnotation;
}
