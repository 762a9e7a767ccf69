namespace VllmAspire.Provisioner.Gcp;

/// <summary>How the Provisioner talks to Google Cloud, configuration section <c>Gcp</c>.</summary>
internal sealed class GcpOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Gcp";

    /// <summary>Gets the API base URLs (<c>Gcp:Endpoints:Compute|Container|ResourceManager</c>); tests point them at fakes.</summary>
    public GcpEndpoints Endpoints { get; init; } = new();

    /// <summary>Gets how transient errors (429, 5xx, cluster operation conflicts) are retried.</summary>
    public GcpRetryOptions Retry { get; init; } = new();

    /// <summary>Gets or sets how long one HTTP attempt may take; a Compute <c>wait</c> call blocks for up to about 2 minutes.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Gets or sets how long a long-running operation may take before the stage gives up on it.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Gets or sets how often a Container operation (which has no <c>wait</c> method) is polled.</summary>
    public TimeSpan ContainerPollInterval { get; set; } = TimeSpan.FromSeconds(5);
}
