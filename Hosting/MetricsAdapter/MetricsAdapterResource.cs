namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>The custom-metrics adapter (MetricsAdapterShim) that serves vLLM's queue metrics to the autoscaler.</summary>
/// <param name="name">The resource name.</param>
/// <param name="project">The shim project.</param>
public sealed class MetricsAdapterResource(string name, IProjectMetadata project) : ProjectResource(name, project)
{
    /// <summary>Gets the bearer token callers of the shim's API present locally (secret, generated per run).</summary>
    public ParameterResource? ApiToken { get; init; }
}
