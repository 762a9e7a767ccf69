using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace VllmAspire.Hosting.Publishing;

/// <summary>
/// The <c>publish</c> verb: validates the model, then writes the Kubernetes manifests and the GKE plan. Any problem
/// exits with 2 and one message per problem, and writes nothing.
/// </summary>
internal sealed class PublishCommand : Cli.IAppHostCommand
{
    public Command Create(DistributedApplication app)
    {
        var output = new Option<string>("--output-path", "-o")
        {
            Description = "The folder to write kubernetes/ and gke-plan.json to (default: aspire-output beside the AppHost).",
        };
        var command = new Command(Cli.AppHostVerbs.Publish, "Write Kubernetes manifests (kubernetes/*.yaml, kustomization.yaml) and the GKE plan (gke-plan.json).")
        {
            output,
        };
        ConfigurationOverrides.Allow(command);
        command.SetAction(parseResult =>
        {
            if (ConfigurationOverrides.Reject(parseResult))
            {
                return 2;
            }

            var paths = app.Services.GetRequiredService<AppHostPaths>();
            var outputPath = parseResult.GetValue(output) is { Length: > 0 } o ? Path.GetFullPath(o) : Path.Combine(paths.AppHostDirectory, "aspire-output");
            return GkePublisher.Publish(app.Model, outputPath, Console.Out, Console.Error);
        });
        return command;
    }
}
