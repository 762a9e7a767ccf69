namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>
/// Prometheus, which scrapes every resource that carries a <see cref="PrometheusScrapeAnnotation"/>. Locally it is
/// the <c>prometheus</c> binary (Debian package <c>prometheus</c>) with a configuration the AppHost writes; on GKE,
/// Google Managed Prometheus scrapes through PodMonitoring objects.
/// </summary>
/// <param name="name">The resource name.</param>
/// <param name="workingDirectory">Where its configuration and data live.</param>
public sealed class PrometheusResource(string name, string workingDirectory) : ExecutableResource(name, "prometheus", workingDirectory)
{
    /// <summary>The endpoint name of its HTTP API.</summary>
    public const string HttpEndpointName = "http";

    /// <summary>Gets or sets how often targets are scraped.</summary>
    public TimeSpan ScrapeInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets the configuration file the AppHost writes.</summary>
    public string ConfigPath => Path.Combine(WorkingDirectory, "prometheus.yml");

    /// <summary>Gets the folder of file-based service discovery targets, one file per scraped resource.</summary>
    public string TargetsDirectory => Path.Combine(WorkingDirectory, "targets");

    /// <summary>Gets the storage folder.</summary>
    public string DataPath => Path.Combine(WorkingDirectory, "data");
}
