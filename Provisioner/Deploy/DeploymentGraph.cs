using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Provisioner.Kubernetes;
using VllmAspire.Provisioner.Stages.Gcp;
using VllmAspire.Provisioner.Stages.Kubernetes;

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

        // The plan's dependencies on Kubernetes objects (kubernetes/Kind/namespace/name) resolve through these stages' Provides.
        try
        {
            stages.AddRange(KubernetesStageFactory.Create(ManifestSet.Load(app.KubernetesDirectory), app.Plan));
        }
        catch (InvalidOperationException e)
        {
            throw new DeploymentInputException($"{app.KubernetesDirectory}: {e.Message}", e);
        }

        if (stages.OfType<KubernetesObjectsStage>().Any())
        {
            // Resolved now, so a missing kubeconfig is bad input before anything runs, not a failure half-way.
            try
            {
                services.GetRequiredService<KubernetesOperations>();
            }
            catch (k8s.Exceptions.KubeConfigException e)
            {
                throw new DeploymentInputException(
                    $"No Kubernetes configuration: {e.Message} Fetch the cluster's credentials with `gcloud container clusters get-credentials {app.Plan.Cluster} --location {app.Plan.Location} --project {app.Plan.Project}`, or set KUBECONFIG.",
                    e);
            }
        }

        return stages;
    }
}
