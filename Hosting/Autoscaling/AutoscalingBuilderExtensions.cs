using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting;

/// <summary>Adds horizontal autoscaling to resources.</summary>
public static class AutoscalingBuilderExtensions
{
    /// <summary>
    /// Scales the resource on a per-pod metric: published as an HPA (<c>autoscaling/v2</c>, Pods metric, AverageValue);
    /// locally the AppHost evaluates the same algorithm and changes the number of replicas.
    /// </summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="minReplicas">The fewest replicas, at least 1.</param>
    /// <param name="maxReplicas">The most replicas, at least <paramref name="minReplicas"/>.</param>
    /// <param name="metric">The pod metric; vLLM's queue length by default.</param>
    /// <param name="averageValue">The target average per pod, above 0.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<T> WithAutoscaling<T>(this IResourceBuilder<T> builder, int minReplicas, int maxReplicas,
        string metric = "vllm:num_requests_waiting", double averageValue = 10) where T : IResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(metric);
        if (minReplicas < 1 || maxReplicas < minReplicas)
        {
            throw new DistributedApplicationException(
                $"Resource '{builder.Resource.Name}': WithAutoscaling(minReplicas: {minReplicas}, maxReplicas: {maxReplicas}) needs 1 <= minReplicas <= maxReplicas.");
        }

        if (!(averageValue > 0))
        {
            throw new DistributedApplicationException($"Resource '{builder.Resource.Name}': WithAutoscaling averageValue must be above 0, not {averageValue}.");
        }

        Autoscaling.AutoscalingServices.Add(builder.ApplicationBuilder);
        return builder.WithAnnotation(new AutoscalingAnnotation(minReplicas, maxReplicas, metric, averageValue), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>
    /// Sets the autoscaler's <c>behavior</c> (stabilisation windows, rate policies, tolerances), as in the HPA spec;
    /// without it the controller's legacy normalisation applies. Call after <see cref="WithAutoscaling{T}"/>.
    /// </summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="behavior">The behavior.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<T> WithAutoscalingBehavior<T>(this IResourceBuilder<T> builder, HpaBehavior behavior) where T : IResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(behavior);
        var annotation = builder.Resource.Annotations.OfType<AutoscalingAnnotation>().LastOrDefault()
            ?? throw new DistributedApplicationException($"Resource '{builder.Resource.Name}': call WithAutoscaling before WithAutoscalingBehavior.");
        foreach (var (direction, rules) in new[] { ("scaleUp", behavior.ScaleUp), ("scaleDown", behavior.ScaleDown) })
        {
            if (rules?.StabilizationWindowSeconds is < 0 or > 3600)
            {
                throw new DistributedApplicationException($"Resource '{builder.Resource.Name}': {direction}.stabilizationWindowSeconds must be 0..3600, not {rules.StabilizationWindowSeconds}.");
            }

            if (rules?.Policies?.FirstOrDefault(p => p.Value <= 0 || p.PeriodSeconds is < 1 or > 1800) is { } bad)
            {
                throw new DistributedApplicationException($"Resource '{builder.Resource.Name}': {direction} policy {bad.Type} needs value > 0 and periodSeconds 1..1800 (got {bad.Value}, {bad.PeriodSeconds}).");
            }

            if (rules?.Tolerance is < 0)
            {
                throw new DistributedApplicationException($"Resource '{builder.Resource.Name}': {direction}.tolerance must be at least 0, not {rules.Tolerance}.");
            }
        }

        return builder.WithAnnotation(annotation with { Behavior = behavior }, ResourceAnnotationMutationBehavior.Replace);
    }
}
