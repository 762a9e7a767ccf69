using Aspire.Hosting.ApplicationModel;
using VllmAspire.Contracts.Plan;
using VllmAspire.Hosting.Gke;

namespace VllmAspire.Hosting.Publishing;

/// <summary>What a publish did: the files written, or the problems that stopped it before anything was written.</summary>
/// <param name="Files">The files written, relative to the output folder.</param>
/// <param name="ContainerImages">Our own images the plan builds and pushes.</param>
/// <param name="Problems">One line per problem, naming the setting and the fix; empty when published.</param>
internal sealed record GkePublishResult(IReadOnlyList<string> Files, IReadOnlyList<GkePlanContainerImage> ContainerImages, IReadOnlyList<string> Problems);

/// <summary>Publishing to a GKE environment: validate everything, then write everything.</summary>
internal static class GkePublisher
{
    /// <summary>Validates the model and writes <c>kubernetes/</c> and <c>gke-plan.json</c> to the output folder.</summary>
    /// <param name="model">The application model (publish mode).</param>
    /// <param name="settings">The environment's parameters, resolved.</param>
    /// <param name="outputPath">The output folder.</param>
    /// <returns>The files written, or the problems (in which case nothing is written).</returns>
    public static GkePublishResult Publish(DistributedApplicationModel model, GkeSettings settings, string outputPath)
    {
        ArgumentNullException.ThrowIfNull(model);
        var publishModel = GkePublishModel.TryCreate(model, settings, out var problems);
        if (publishModel is null)
        {
            return new GkePublishResult([], [], problems);
        }

        var written = PublishOutputWriter.Write(outputPath, KubernetesManifestBuilder.Build(publishModel), GkePlanBuilder.Build(publishModel),
            publishModel.Target.Namespace);
        return new GkePublishResult(written, GkePlanBuilder.ContainerImages(publishModel), []);
    }
}
