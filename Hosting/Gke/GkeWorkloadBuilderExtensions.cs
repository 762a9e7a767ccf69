using Aspire.Hosting.ApplicationModel;
using k8s.Models;

namespace Aspire.Hosting;

/// <summary>How a vLLM workload is placed and published on the GKE environment.</summary>
public static class GkeWorkloadBuilderExtensions
{
    /// <summary>
    /// Runs the vLLM workload's pods on <paramref name="pool"/> (a node selector on the pool's GKE name). An environment
    /// with one node pool needs no choice; with several, publish asks every vLLM resource to name its pool.
    /// </summary>
    /// <param name="builder">The vLLM builder.</param>
    /// <param name="pool">The node pool, from <c>AddNodePool</c>.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    /// <example>
    /// <code lang="csharp">
    /// var pool = gke.AddNodePool("l4-pool", machineType: "g2-standard-16", accelerator: "nvidia-l4", maxNodes: 5);
    /// builder.AddVllm("vllm", image: "vllm/vllm-openai:v0.10.1").WithModel(weights).WithNodePool(pool);
    /// </code>
    /// </example>
    public static IResourceBuilder<VllmResource> WithNodePool(this IResourceBuilder<VllmResource> builder, IResourceBuilder<GkeNodePoolResource> pool)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(pool);
        return builder.WithAnnotation(new GkeNodePoolPlacementAnnotation(pool.Resource), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>
    /// Adjusts the Kubernetes Deployment publish generates for the vLLM workload (one per zone), e.g. to add
    /// tolerations, pod annotations or a priority class. The callback runs after every check and before the manifest
    /// is written, so what it sets is published as set. It does nothing in run mode.
    /// </summary>
    /// <param name="builder">The vLLM builder.</param>
    /// <param name="configure">Changes the Deployment.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    /// <example>
    /// Keep the pods off spot nodes and give them a priority:
    /// <code lang="csharp">
    /// builder.AddVllm("vllm", image: "vllm/vllm-openai:v0.10.1")
    ///     .PublishAsGkeWorkload(deployment =>
    ///     {
    ///         deployment.Spec.Template.Spec.PriorityClassName = "serving";
    ///         deployment.Spec.Template.Metadata.Annotations ??= new Dictionary&lt;string, string&gt;();
    ///         deployment.Spec.Template.Metadata.Annotations["cluster-autoscaler.kubernetes.io/safe-to-evict"] = "false";
    ///     });
    /// </code>
    /// </example>
    public static IResourceBuilder<VllmResource> PublishAsGkeWorkload(this IResourceBuilder<VllmResource> builder, Action<V1Deployment> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.ApplicationBuilder.ExecutionContext.IsRunMode ? builder : builder.WithAnnotation(new GkeWorkloadCustomizationAnnotation(configure));
    }
}
