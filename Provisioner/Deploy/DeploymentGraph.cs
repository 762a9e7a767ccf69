using VllmAspire.Provisioner.Stages;

namespace VllmAspire.Provisioner.Deploy;

/// <summary>
/// The one place that lists a deployment's stages: the GCP stages from the plan and the Kubernetes stages from the
/// manifests. <c>deploy</c>, <c>destroy</c> and the service's API all build their graph here.
/// </summary>
internal static class DeploymentGraph
{
    /// <summary>Builds every stage of a published app.</summary>
    /// <param name="app">The published app.</param>
    /// <param name="services">The deployment's services (clients, clock, logging).</param>
    /// <returns>The stages.</returns>
    public static IReadOnlyList<IProvisioningStage> Build(PublishedApp app, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(services);
        var stages = new List<IProvisioningStage>();
        // The GCP stages (GcpStageFactory.Create over app.Plan) and the Kubernetes stages (KubernetesStageFactory.Create
        // over the manifests in app.KubernetesDirectory) are added here once they exist; dependencies between the two
        // sets are names (plan step IDs, kubernetes/Kind/namespace/name) that StageGraph resolves through Provides.
        return stages;
    }
}
