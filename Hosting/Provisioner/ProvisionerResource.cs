namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The Provisioner service: it runs the GKE provisioning stages of a published model (deploy, dry run, destroy) when
/// the dashboard's commands ask, behind a per-run secret token, and exports each run as a trace.
/// </summary>
/// <param name="name">The resource name.</param>
/// <param name="apiToken">The token its API requires (secret, generated per run unless configured).</param>
/// <param name="publishedPath">The published folder it deploys from locally.</param>
public sealed class ProvisionerResource(string name, ParameterResource apiToken, string publishedPath) : ProjectResource(name)
{
    /// <summary>Gets the token its API requires.</summary>
    public ParameterResource ApiToken { get; } = apiToken;

    /// <summary>
    /// Gets the published folder its deploy and destroy read locally (<c>aspire publish -o</c> writes it): by default
    /// <c>publish</c> in the AppHost's data folder, <c>AppHost/.vllm-aspire/publish</c>.
    /// </summary>
    public string PublishedPath { get; } = publishedPath;
}
