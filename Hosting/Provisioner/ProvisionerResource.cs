namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>The Provisioner service, which runs the GKE provisioning stages and reports them to the dashboard.</summary>
/// <param name="name">The resource name.</param>
/// <param name="project">The Provisioner project.</param>
public sealed class ProvisionerResource(string name, IProjectMetadata project) : ProjectResource(name, project)
{
    /// <summary>Gets or sets the token its API requires (a secret parameter generated per run unless configured).</summary>
    public ParameterResource? ApiToken { get; set; }
}
