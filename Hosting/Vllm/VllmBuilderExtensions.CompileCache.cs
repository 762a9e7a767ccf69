using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static partial class VllmBuilderExtensions
{
    /// <summary>
    /// Reuses vLLM's torch.compile cache so a pod loads its compiled graphs instead of compiling them (19 s → 7.5 s in
    /// reference/startup-2026.md [P5][P13]). Published, the weights bake then runs the serving image with the serving
    /// flags once on the GPU pool against the freshly baked weights, with vLLM's cache root on the bake disk, so the
    /// cache goes into the weights image; each pod copies it to a writable volume before vLLM starts (vLLM and
    /// Inductor write into the cache folder even on a hit). What vLLM keys the cache on (its release, the model, the
    /// serving flags, the GPU) is part of the weights version, so changing any of them bakes again. Locally it changes
    /// nothing: the simulator's replicas already share a cache folder in the AppHost's data folder (the first start
    /// compiles, later ones hit; <see cref="VllmSimulatorOptions.CompileCache"/>).
    /// </summary>
    /// <param name="builder">The resource builder.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    /// <example>
    /// <code lang="csharp">
    /// builder.AddVllm("vllm", image: "vllm/vllm-openai:v0.10.1").WithModel(weights).WithNodePool(pool).WithCompileCache();
    /// </code>
    /// </example>
    public static IResourceBuilder<VllmResource> WithCompileCache(this IResourceBuilder<VllmResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithAnnotation(new VllmCompileCacheAnnotation(), ResourceAnnotationMutationBehavior.Replace);
    }
}
