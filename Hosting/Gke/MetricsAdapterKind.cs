namespace Aspire.Hosting.ApplicationModel;

/// <summary>Which custom-metrics adapter serves the autoscaler in the cluster.</summary>
public enum MetricsAdapterKind
{
    /// <summary>Google's custom-metrics-stackdriver-adapter reading Managed Prometheus (reference/gcp.md §5.3).</summary>
    GoogleStackdriver,

    /// <summary>This project's MetricsAdapterShim (its manifests come with the shim's own publishing support).</summary>
    VllmAspireShim,
}
