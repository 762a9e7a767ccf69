using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VllmAspire.Hosting.Planning;
using VllmAspire.Hosting.Publishing;
using VllmAspire.Hosting.ServiceProjects;

namespace VllmAspire.Hosting.Gke;

/// <summary>
/// The GKE environment's pipeline steps: <c>publish-{env}</c> (required by <c>publish</c>), <c>plan</c> (run with
/// <c>aspire do plan</c>), <c>deploy-{env}</c> (required by <c>deploy</c>) and <c>destroy-{env}</c> (required by
/// <c>destroy</c>). Every check runs before anything is written or created; a problem fails the step with one line
/// per problem.
/// </summary>
internal static class GkePipelineSteps
{
    /// <summary>The name of the plan step, run with <c>aspire do plan</c>.</summary>
    public const string PlanStepName = "plan";

    /// <summary>The configuration section passed to the Provisioner (e.g. <c>Gcp:Endpoints:Compute</c>).</summary>
    public const string GcpSection = "Gcp";

    /// <summary>Creates the steps of an environment.</summary>
    /// <param name="environment">The environment.</param>
    /// <returns>The steps.</returns>
    public static IEnumerable<PipelineStep> Create(GkeEnvironmentResource environment)
    {
        var publish = new PipelineStep
        {
            Name = PublishStepName(environment),
            Description = $"Writes the Kubernetes manifests and the GKE plan of '{environment.Name}'.",
            Action = context => PublishAsync(environment, context),
            DependsOnSteps = [WellKnownPipelineSteps.PublishPrereq],
            RequiredBySteps = [WellKnownPipelineSteps.Publish],
            Resource = environment,
        };
        var plan = new PipelineStep
        {
            Name = PlanStepName,
            Description = "Predicts pod start-up time and monthly storage cost for the model's storage and the alternatives.",
            Action = context => PlanAsync(environment, context),
            DependsOnSteps = [WellKnownPipelineSteps.ProcessParameters],
            Resource = environment,
        };
        var deploy = new PipelineStep
        {
            Name = $"deploy-{environment.Name}",
            Description = $"Provisions and deploys '{environment.Name}': every provisioning stage, idempotently.",
            Action = context => RunProvisionerAsync(environment, "deploy", context),
            DependsOnSteps = [publish.Name, WellKnownPipelineSteps.DeployPrereq],
            RequiredBySteps = [WellKnownPipelineSteps.Deploy],
            Resource = environment,
        };
        var destroy = new PipelineStep
        {
            Name = $"destroy-{environment.Name}",
            Description = $"Deletes what deploy created for '{environment.Name}', found by its labels.",
            Action = context => RunProvisionerAsync(environment, "destroy", context),
            DependsOnSteps = [publish.Name, WellKnownPipelineSteps.DestroyPrereq],
            RequiredBySteps = [WellKnownPipelineSteps.Destroy],
            Resource = environment,
        };
        return [publish, plan, deploy, destroy];
    }

    private static string PublishStepName(GkeEnvironmentResource environment) => $"publish-{environment.Name}";

    private static async Task PublishAsync(GkeEnvironmentResource environment, PipelineStepContext context)
    {
        var settings = await GkeSettings.ResolveAsync(environment, context.CancellationToken).ConfigureAwait(false);
        var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
        var result = GkePublisher.Publish(context.Model, settings, output);
        if (result.Problems.Count > 0)
        {
            foreach (var problem in result.Problems)
            {
                context.ReportingStep.Log(LogLevel.Error, problem);
            }

            throw new DistributedApplicationException($"{result.Problems.Count} problem(s) in the model; nothing was written to {output}.");
        }

        foreach (var image in result.ContainerImages)
        {
            context.ReportingStep.Log(LogLevel.Information, $"Deploy builds and pushes {image.Reference} from {image.Project}.");
        }

        context.Summary.Add("GKE plan", Path.Combine(output, PublishOutputWriter.PlanFile));
        context.Summary.Add("Kubernetes", $"{result.Files.Count(f => f.StartsWith(PublishOutputWriter.KubernetesFolder, StringComparison.Ordinal))} files; apply with kubectl apply -k {Path.Combine(output, PublishOutputWriter.KubernetesFolder)}");
        await context.ReportingStep.CompleteAsync($"Published {result.Files.Count} files to {output}", CompletionState.Completed, context.CancellationToken).ConfigureAwait(false);
    }

    private static async Task PlanAsync(GkeEnvironmentResource environment, PipelineStepContext context)
    {
        var settings = await GkeSettings.ResolveAsync(environment, context.CancellationToken).ConfigureAwait(false);
        var configuration = context.Services.GetRequiredService<IConfiguration>();
        var report = StartupPlanReport.Create(context.Model, environment, settings, new StartupPlanOptions
        {
            TargetSeconds = configuration.GetValue<double?>("Plan:TargetSeconds"),
            ConcurrentNodes = configuration.GetValue("Plan:ConcurrentNodes", 1),
        });
        foreach (var section in report)
        {
            context.ReportingStep.Log(LogLevel.Information, new MarkdownString(section));
        }

        await context.ReportingStep.CompleteAsync("Start-up plan written above", CompletionState.Completed, context.CancellationToken).ConfigureAwait(false);
    }

    // Runs the Provisioner's CLI on the folder the publish step wrote, its output as the step's log.
    private static async Task RunProvisionerAsync(GkeEnvironmentResource environment, string verb, PipelineStepContext context)
    {
        var published = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
        var configuration = context.Services.GetRequiredService<IConfiguration>();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(ProvisionerProject.TargetPath);
        start.ArgumentList.Add(verb);
        start.ArgumentList.Add("--from");
        start.ArgumentList.Add(published);
        if (configuration.GetValue("Deploy:DryRun", false))
        {
            start.ArgumentList.Add("--dry-run");
        }

        if (Path.GetDirectoryName(Path.GetDirectoryName(new ProvisionerProject().ProjectPath)) is { } root && File.Exists(Path.Combine(root, "VllmAspire.sln")))
        {
            start.ArgumentList.Add($"--Deploy:RepositoryRoot={root}");
        }

        foreach (var (key, value) in configuration.GetSection(GcpSection).AsEnumerable().Where(e => e.Value is not null).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        using var process = Process.Start(start) ?? throw new DistributedApplicationException($"Could not start the Provisioner ({start.FileName}).");
        using var stop = context.CancellationToken.Register(() => process.Kill(entireProcessTree: true));
        var lines = new[] { process.StandardOutput, process.StandardError }.Select(async reader =>
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                context.ReportingStep.Log(LogLevel.Information, line);
            }
        });
        await Task.WhenAll(lines).ConfigureAwait(false);
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        context.CancellationToken.ThrowIfCancellationRequested();
        if (process.ExitCode != 0)
        {
            throw new DistributedApplicationException($"{verb} of '{environment.Name}' failed (the Provisioner exited with {process.ExitCode}); its messages are above.");
        }

        await context.ReportingStep.CompleteAsync($"{verb} of '{environment.Name}' done", CompletionState.Completed, context.CancellationToken).ConfigureAwait(false);
    }
}
