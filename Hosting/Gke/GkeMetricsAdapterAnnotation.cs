namespace Aspire.Hosting.ApplicationModel;

/// <summary>Chooses the custom-metrics adapter the published HPA reads from.</summary>
/// <param name="Kind">The adapter.</param>
public sealed record GkeMetricsAdapterAnnotation(MetricsAdapterKind Kind) : IResourceAnnotation;
