namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Prometheus, which scrapes every resource that carries a <see cref="PrometheusScrapeAnnotation"/>. Locally it is
/// the <c>prometheus</c> binary (Debian package <c>prometheus</c>) with a configuration the AppHost writes; on GKE,
/// Google Managed Prometheus scrapes through PodMonitoring objects.
/// </summary>
/// <param name="name">The resource name.</param>
/// <param name="workingDirectory">Where its configuration and data live.</param>
/// <param name="password">The secret password of its HTTP API and UI (basic auth, user <see cref="UserName"/>).</param>
public sealed class PrometheusResource(string name, string workingDirectory, ParameterResource password) : ExecutableResource(name, "prometheus", workingDirectory)
{
    /// <summary>The endpoint name of its HTTP API.</summary>
    public const string HttpEndpointName = "http";

    /// <summary>The user name clients of the local Prometheus log in with (basic auth).</summary>
    public const string UserName = "vllm-aspire";

    private EndpointReference? _httpEndpoint;

    /// <summary>Gets the secret password of the local Prometheus's HTTP API and UI (generated per run unless configured).</summary>
    public ParameterResource Password { get; } = password;

    /// <summary>Gets how often targets are scraped, set by <c>WithScrapeInterval</c>.</summary>
    public TimeSpan ScrapeInterval { get; internal set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets the folder of file-based service discovery targets, one file per scraped resource.</summary>
    public string TargetsDirectory { get; internal set; } = Path.Combine(workingDirectory, "targets");

    /// <summary>Gets the configuration file the AppHost writes.</summary>
    public string ConfigPath => Path.Combine(WorkingDirectory, "prometheus.yml");

    /// <summary>Gets the web configuration file (<c>--web.config.file</c>) with the basic-auth user, which the AppHost writes.</summary>
    public string WebConfigPath => Path.Combine(WorkingDirectory, "web.yml");

    /// <summary>Gets the storage folder.</summary>
    public string DataPath => Path.Combine(WorkingDirectory, "data");

    /// <summary>Gets its HTTP endpoint (API and UI).</summary>
    public EndpointReference HttpEndpoint => _httpEndpoint ??= new(this, HttpEndpointName);
}
