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

    /// <summary>The user name clients of the local Prometheus log in with (basic auth).</summary>
    public const string UserName = "vllm-aspire";

    /// <summary>Gets the secret password of the local Prometheus's HTTP API and UI (generated per run unless configured).</summary>
    public ParameterResource? Password { get; init; }

    /// <summary>Gets or sets how often targets are scraped.</summary>
    public TimeSpan ScrapeInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets the configuration file the AppHost writes.</summary>
    public string ConfigPath => Path.Combine(WorkingDirectory, "prometheus.yml");

    /// <summary>Gets the folder of file-based service discovery targets, one file per scraped resource.</summary>
    public string TargetsDirectory => Path.Combine(WorkingDirectory, "targets");

    /// <summary>Gets the web configuration file (<c>--web.config.file</c>) with the basic-auth user, which the AppHost writes.</summary>
    public string WebConfigPath => Path.Combine(WorkingDirectory, "web.yml");

    /// <summary>Gets the <c>Authorization</c> header every client of the local Prometheus sends, or null when it has no password.</summary>
    /// <returns>The basic credentials.</returns>
    public System.Net.Http.Headers.AuthenticationHeaderValue? GetAuthorization() =>
        Password is { HasValue: true } password
            ? new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{UserName}:{password.Value}")))
            : null;

    /// <summary>Gets the storage folder.</summary>
    public string DataPath => Path.Combine(WorkingDirectory, "data");
}
