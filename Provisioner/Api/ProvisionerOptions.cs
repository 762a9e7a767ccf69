namespace VllmAspire.Provisioner.Api;

/// <summary>The Provisioner's configuration, section <c>Provisioner</c>.</summary>
internal sealed class ProvisionerOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Provisioner";

    /// <summary>
    /// Gets or sets the bearer token every <c>/api</c> request must present (<c>Provisioner:ApiToken</c>, environment
    /// variable <c>Provisioner__ApiToken</c>). Without it the API refuses every request.
    /// </summary>
    public string? ApiToken { get; set; }

    /// <summary>
    /// Gets or sets the published folder that <c>POST /api/deploy</c> and <c>POST /api/destroy</c> use when the request
    /// names none (<c>Provisioner:PublishedPath</c>).
    /// </summary>
    public string? PublishedPath { get; set; }
}
