using Aspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Autoscaling;
using VllmAspire.Hosting.Vllm;

namespace Aspire.Hosting;

/// <summary>Adds horizontal autoscaling to resources.</summary>
public static class AutoscalingBuilderExtensions
{
    /// <summary>
    /// Scales the resource on a per-pod metric: published as an HPA (<c>autoscaling/v2</c>, Pods metric, AverageValue);
    /// locally the AppHost evaluates the same algorithm against the metrics adapter every sync period and starts or
    /// stops replicas. Locally the resource declares <paramref name="maxReplicas"/> replicas that start on demand: the
    /// autoscaler starts <paramref name="minReplicas"/> of them, and each scale-out pays a replica's real start-up.
    /// Its decisions show on a child resource <c>{name}-hpa</c>.
    /// </summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="minReplicas">The fewest replicas, at least 1.</param>
    /// <param name="maxReplicas">The most replicas, at least <paramref name="minReplicas"/>.</param>
    /// <param name="metric">The pod metric; vLLM's queue length by default.</param>
    /// <param name="averageValue">The target average per pod, above 0.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    /// <example>
    /// Keep vLLM's queue at about 10 waiting requests per replica, with one to five replicas:
    /// <code lang="csharp">
    /// builder.AddVllm("vllm").WithModel(weights)
    ///     .WithAutoscaling(minReplicas: 1, maxReplicas: 5, metric: "vllm:num_requests_waiting", averageValue: 10);
    /// </code>
    /// </example>
    public static IResourceBuilder<T> WithAutoscaling<T>(this IResourceBuilder<T> builder, int minReplicas, int maxReplicas,
        string metric = "vllm:num_requests_waiting", double averageValue = 10) where T : ProjectResource
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

        AutoscalingServices.Add(builder.ApplicationBuilder);
        builder.WithAnnotation(new AutoscalingAnnotation(minReplicas, maxReplicas, metric, averageValue), ResourceAnnotationMutationBehavior.Replace);
        if (builder.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            // Aspire has no run-time replica count: declare the most, start them on demand.
            builder.WithAnnotation(new ReplicaAnnotation(maxReplicas), ResourceAnnotationMutationBehavior.Replace).WithExplicitStart();
            var hpaName = $"{builder.Resource.Name}-hpa";
            if (!builder.ApplicationBuilder.Resources.Any(r => r.Name == hpaName))
            {
                // A child of the resource (IResourceWithParent), so the dashboard nests it there.
                var hpa = builder.ApplicationBuilder.AddResource(new HorizontalPodAutoscalerResource(hpaName, builder.Resource))
                    .WithIconName("ArrowAutofitHeight")
                    .WithInitialState(new CustomResourceSnapshot
                    {
                        ResourceType = "HorizontalPodAutoscaler",
                        State = KnownResourceStates.NotStarted,
                        Properties = [],
                    });
                if (builder.Resource is VllmResource vllm)
                {
                    hpa.WithLoadCommand(vllm);
                }
            }
        }

        return builder;
    }

    /// <summary>
    /// Scales the resource on <c>vllm:num_requests_waiting</c> with the target and behaviour an
    /// <see cref="AutoscalingRecommendation"/> derived from the pod's start-up and a queue-latency target (the one
    /// <c>aspire do plan</c> prints): <see cref="WithAutoscaling{T}(IResourceBuilder{T}, int, int, string, double)"/>
    /// then <see cref="WithAutoscalingBehavior{T}"/>.
    /// </summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="minReplicas">The fewest replicas, at least 1.</param>
    /// <param name="maxReplicas">The most replicas, at least <paramref name="minReplicas"/>.</param>
    /// <param name="recommendation">The recommendation.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    /// <example>
    /// <code lang="csharp">
    /// vllm.WithAutoscaling(1, 5, AutoscalingRecommendation.Create(startupSeconds: 75, queueLatencySeconds: 30, podRequestsPerSecond: 2));
    /// </code>
    /// </example>
    public static IResourceBuilder<T> WithAutoscaling<T>(this IResourceBuilder<T> builder, int minReplicas, int maxReplicas,
        AutoscalingRecommendation recommendation) where T : ProjectResource
    {
        ArgumentNullException.ThrowIfNull(recommendation);
        return builder.WithAutoscaling(minReplicas, maxReplicas, AutoscalingRecommendation.Metric, recommendation.AverageValue)
            .WithAutoscalingBehavior(recommendation.Behavior);
    }

    /// <summary>
    /// Sets the autoscaler's <c>behavior</c> (stabilisation windows, rate policies, tolerances), as in the HPA spec;
    /// without it the controller's legacy normalisation applies. Call after <see cref="WithAutoscaling{T}(IResourceBuilder{T}, int, int, string, double)"/>.
    /// </summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="behavior">The behavior.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<T> WithAutoscalingBehavior<T>(this IResourceBuilder<T> builder, HpaBehavior behavior) where T : ProjectResource
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
