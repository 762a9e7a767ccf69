namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The custom-metrics adapter (MetricsAdapterShim): Kubernetes' <c>custom.metrics.k8s.io</c> API fed by vLLM's
/// metrics, which the autoscaler reads. Locally a .NET project behind a per-run secret token.
/// </summary>
/// <param name="name">The resource name.</param>
/// <param name="apiToken">The bearer token callers of its API present locally (secret, generated per run).</param>
public sealed class MetricsAdapterResource(string name, ParameterResource apiToken) : ProjectResource(name)
{
    /// <summary>Gets the bearer token callers of the shim's API present locally (secret, generated per run unless configured).</summary>
    public ParameterResource ApiToken { get; } = apiToken;
}
