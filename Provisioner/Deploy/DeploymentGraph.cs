using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Provisioner.Kubernetes;
using VllmAspire.Provisioner.Stages.Gcp;
using VllmAspire.Provisioner.Stages.Images;
using VllmAspire.Provisioner.Stages.Kubernetes;

namespace VllmAspire.Provisioner.Deploy;

/// <summary>
/// The one place that lists a deployment's stages: the container images of ours from the plan, the GCP stages from
/// the plan, the Kubernetes stages from the manifests and the prune stage after the rollout. <c>deploy</c>,
/// <c>destroy</c> and the service's API all build their graph here.
/// </summary>
internal static class DeploymentGraph
{
    /// <summary>The configuration key of the folder holding VllmAspire.sln, which the plan's image projects are relative to.</summary>
    public const string RepositoryRootKey = "Deploy:RepositoryRoot";

    /// <summary>The configuration section of <see cref="ContainerImageStageOptions"/> (e.g. <c>Deploy:Images:BaseImage</c>).</summary>
    public const string ImagesSection = "Deploy:Images";

    /// <summary>Builds every stage of a published app.</summary>
    /// <param name="app">The published app.</param>
    /// <param name="services">The deployment's services (clients, clock, logging).</param>
    /// <returns>The stages.</returns>
    public static IReadOnlyList<IProvisioningStage> Build(PublishedApp app, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(services);
        var stages = new List<IProvisioningStage>();
        var configuration = services.GetService<IConfiguration>();
        if (app.Plan.ContainerImages.Count > 0)
        {
            // The images are built from the VllmAspire sources; the AppHost's deploy verb passes where they are.
            var root = configuration?[RepositoryRootKey];
            if (string.IsNullOrWhiteSpace(root))
            {
                throw new DeploymentInputException(
                    $"{Path.Combine(app.Directory, PublishedApp.PlanFileName)} builds {string.Join(", ", app.Plan.ContainerImages.Select(i => i.Reference))} from source, but {RepositoryRootKey} is not set: " +
                    $"run deploy through the AppHost (`dotnet run --project AppHost -- deploy`), or pass --{RepositoryRootKey}=PATH, the folder holding VllmAspire.sln.");
            }

            try
            {
                stages.AddRange(ContainerImageStageFactory.Create(app.Plan, root, configuration?.GetSection(ImagesSection).Get<ContainerImageStageOptions>()));
            }
            catch (ArgumentException e)
            {
                throw new DeploymentInputException($"{Path.Combine(app.Directory, PublishedApp.PlanFileName)}: {e.Message}", e);
            }
        }

        var gcpOptions = services.GetRequiredService<IOptions<GcpStageOptions>>().Value;
        try
        {
            stages.AddRange(GcpStageFactory.Create(app.Plan, gcpOptions));
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

        // Old node pools, disks and images go only once the new pods are healthy and autoscaled.
        var rollout = stages.Where(s => s.Name.StartsWith(KubernetesStageFactory.WorkloadStagePrefix, StringComparison.Ordinal) || s.Name == KubernetesStageFactory.AutoscalerStage)
            .Select(s => s.Name).ToList();
        if (rollout.Count == 0)
        {
            // No workloads (a plan without manifests): after everything else, so nothing old goes before its replacement exists.
            rollout = [.. stages.Select(s => s.Name)];
        }

        stages.Add(GcpStageFactory.CreatePrune(app.Plan, rollout, gcpOptions));

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
