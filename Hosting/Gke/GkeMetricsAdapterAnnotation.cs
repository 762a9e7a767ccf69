namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>Chooses the custom-metrics adapter the published HPA reads from.</summary>
/// <param name="Kind">The adapter.</param>
public sealed record GkeMetricsAdapterAnnotation(MetricsAdapterKind Kind) : IResourceAnnotation
{
    /// <summary>Gets the <c>container-registry</c> parameter our adapter's image is pulled from (<see cref="MetricsAdapterKind.VllmAspireShim"/> only).</summary>
    public ParameterResource? Registry { get; init; }
}
