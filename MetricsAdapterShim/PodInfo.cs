namespace VllmAspire.MetricsAdapterShim;

/// <summary>A pod the shim can report on.</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Name">The pod name.</param>
/// <param name="Labels">The pod's labels, matched against the HPA's <c>labelSelector</c>.</param>
/// <param name="MetricsUrl">Where the pod's Prometheus metrics are scraped, when it serves them.</param>
public sealed record PodInfo(string Namespace, string Name, IReadOnlyDictionary<string, string> Labels, Uri? MetricsUrl);

/// <summary>Lists the pods that exist now (and are not terminating).</summary>
public interface IPodSource
{
    /// <summary>Lists the pods of a namespace.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The pods.</returns>
    Task<IReadOnlyList<PodInfo>> ListAsync(string ns, CancellationToken cancellationToken);
}

/// <summary>Reads a metric per pod.</summary>
public interface IMetricSource
{
    /// <summary>Reads the metric of each pod; a pod without a value is absent from the result, never zero.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="pods">The pods, already filtered by the HPA's selector.</param>
    /// <param name="metric">The metric.</param>
    /// <param name="metricSelector">Restricts the metric's series by their labels.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The value per pod name.</returns>
    Task<IReadOnlyDictionary<string, double>> GetAsync(string ns, IReadOnlyList<PodInfo> pods, MetricName metric, LabelSelector metricSelector, CancellationToken cancellationToken);
}
