using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Provisioner.Stages.Gcp;

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
        try
        {
            stages.AddRange(GcpStageFactory.Create(app.Plan, services.GetRequiredService<IOptions<GcpStageOptions>>().Value));
        }
        catch (ArgumentException e)
        {
            throw new DeploymentInputException($"{Path.Combine(app.Directory, PublishedApp.PlanFileName)}: {e.Message}", e);
        }

        // The Kubernetes stages (KubernetesStageFactory.Create over the manifests in app.KubernetesDirectory) join here;
        // the plan's dependencies on kubernetes/Kind/namespace/name resolve through their Provides.
        return stages;
    }
}
