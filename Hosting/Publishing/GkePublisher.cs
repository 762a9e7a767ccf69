using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Publishing;

/// <summary>What <c>publish</c> does once its arguments are parsed: validate everything, then write everything.</summary>
public static class GkePublisher
{
    /// <summary>Validates the model and writes <c>kubernetes/</c> and <c>gke-plan.json</c> to the output folder.</summary>
    /// <param name="model">The application model (publish mode).</param>
    /// <param name="outputPath">The output folder.</param>
    /// <param name="output">Where progress goes.</param>
    /// <param name="error">Where problems go, one line each.</param>
    /// <returns>0 when written; 2 when the model has problems, in which case nothing is written.</returns>
    public static int Publish(DistributedApplicationModel model, string outputPath, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var publishModel = GkePublishModel.TryCreate(model, out var problems);
        if (publishModel is null)
        {
            foreach (var problem in problems)
            {
                error.WriteLine($"error: {problem}");
            }

            error.WriteLine($"{problems.Count} problem(s); nothing was written to {outputPath}.");
            return 2;
        }

        var written = PublishOutputWriter.Write(outputPath, KubernetesManifestBuilder.Build(publishModel), GkePlanBuilder.Build(publishModel),
            publishModel.Target.Namespace);
        output.WriteLine($"Published {written.Count} files to {outputPath}:");
        foreach (var file in written)
        {
            output.WriteLine($"  {file}");
        }

        // Our images (prefetch sidecar, metrics adapter) are in the plan: deploy builds and pushes them first.
        foreach (var image in GkePlanBuilder.ContainerImages(publishModel))
        {
            output.WriteLine($"Deploy builds and pushes {image.Reference} from {image.Project}.");
        }

        output.WriteLine($"Apply with: kubectl apply -k {Path.Combine(outputPath, PublishOutputWriter.KubernetesFolder)}");
        return 0;
    }
}
