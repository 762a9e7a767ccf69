using VllmAspire.Contracts.Plan;

namespace VllmAspire.Provisioner.Stages.Images;

/// <summary>Turns the plan's <see cref="GkePlan.ContainerImages"/> into one <see cref="ContainerImageStage"/> each.</summary>
internal static class ContainerImageStageFactory
{
    /// <summary>
    /// Creates one stage per image, named <c>image-{last path segment of the repository}</c> (e.g.
    /// <c>image-vllm-aspire-provisioner</c>), depending on nothing and providing the image reference, so a stage whose
    /// pods or image cache need the image lists the reference in its <see cref="IProvisioningStage.DependsOn"/>.
    /// </summary>
    /// <param name="plan">The plan published as <c>gke-plan.json</c>.</param>
    /// <param name="repositoryRoot">The folder the images' project paths are relative to (the VllmAspire sources).</param>
    /// <param name="options">The build settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The stages in plan order.</returns>
    /// <exception cref="ArgumentException">A reference is not a tagged registry reference, a project does not exist, or two images share a stage name.</exception>
    public static IReadOnlyList<ContainerImageStage> Create(GkePlan plan, string repositoryRoot, ContainerImageStageOptions? options = null)
    {
        options ??= new ContainerImageStageOptions();
        var stages = new List<ContainerImageStage>();
        foreach (var image in plan.ContainerImages)
        {
            var reference = ContainerImageReference.Parse(image.Reference);
            var project = Path.GetFullPath(Path.Combine(repositoryRoot, image.Project));
            if (!File.Exists(project))
            {
                throw new ArgumentException(
                    $"Container image '{image.Reference}' is built from '{image.Project}', which is not at {project}; run deploy from the VllmAspire sources or republish the plan.",
                    nameof(repositoryRoot));
            }

            var stage = new ContainerImageStage(reference, project, options);
            if (stages.Any(s => s.Name == stage.Name))
            {
                throw new ArgumentException($"Two container images of the plan end in '{reference.Name}'; give them different repository names and republish.", nameof(plan));
            }

            stages.Add(stage);
        }

        return stages;
    }
}
