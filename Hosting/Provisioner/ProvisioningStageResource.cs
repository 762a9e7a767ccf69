namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// One provisioning stage of a run started from the dashboard, shown as a child of its provisioner while the run goes
/// on: its state (<c>Pending</c>, <c>Running</c>, <c>Succeeded</c>, <c>Failed</c>, <c>Skipped</c>), its message and
/// the objects it touched as properties, each new message as a console line. Created when a run reports the stage;
/// not part of the application model.
/// </summary>
/// <param name="name">The resource name, <c>{provisioner}-{stage}</c>.</param>
/// <param name="stage">The stage's own name, e.g. <c>node-pool</c>.</param>
/// <param name="provisioner">The provisioner that runs it.</param>
public sealed class ProvisioningStageResource(string name, string stage, ProvisionerResource provisioner) : Resource(name), IResourceWithParent<ProvisionerResource>
{
    /// <summary>Gets the stage's own name.</summary>
    public string Stage { get; } = stage;

    /// <summary>Gets the provisioner that runs it.</summary>
    public ProvisionerResource Parent { get; } = provisioner;
}
