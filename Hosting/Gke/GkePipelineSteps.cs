using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VllmAspire.Hosting.Autoscaling;
using VllmAspire.Hosting.Planning;
using VllmAspire.Hosting.Publishing;
using VllmAspire.Provisioner.Stages;

namespace VllmAspire.Hosting.Gke;

/// <summary>
/// The GKE environment's pipeline steps: <c>publish-{env}</c> (required by <c>publish</c>), <c>plan</c> (run with
/// <c>aspire do plan</c>), <c>deploy-{env}</c> (required by <c>deploy</c>), <c>deploy-{env}-dry-run</c> (run with
/// <c>aspire do</c>) and <c>destroy-{env}</c> (required by <c>destroy</c>). Deploy and destroy depend on publish, so
/// every check runs before anything is written or created; a problem fails the step with one line per problem.
/// </summary>
internal static class GkePipelineSteps
{
    /// <summary>The name of the plan step, run with <c>aspire do plan</c>.</summary>
    public const string PlanStepName = "plan";

    /// <summary>Gets the name of the dry run of deploy, run with <c>aspire do deploy-{env}-dry-run</c>.</summary>
    /// <param name="environment">The environment.</param>
    /// <returns>The step name.</returns>
    public static string DryRunStepName(GkeEnvironmentResource environment) => $"deploy-{environment.Name}-dry-run";

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
            Description = "Predicts where a pod's start goes, phase by phase, what each option saves and costs, and the HPA settings that follow from it.",
            Action = context => PlanAsync(environment, context),
            DependsOnSteps = [WellKnownPipelineSteps.ProcessParameters],
            Resource = environment,
        };
        var deploy = new PipelineStep
        {
            Name = $"deploy-{environment.Name}",
            Description = $"Provisions and deploys '{environment.Name}': every provisioning stage, idempotently, each stage a task.",
            Action = context => GkeStageRun.RunAsync(environment, StageRunMode.Deploy, dryRun: false, context),
            DependsOnSteps = [publish.Name, WellKnownPipelineSteps.DeployPrereq],
            RequiredBySteps = [WellKnownPipelineSteps.Deploy],
            Resource = environment,
        };
        var dryRun = new PipelineStep
        {
            Name = DryRunStepName(environment),
            Description = $"Says what deploy would change in '{environment.Name}', changing nothing (aspire do {DryRunStepName(environment)}).",
            Action = context => GkeStageRun.RunAsync(environment, StageRunMode.Deploy, dryRun: true, context),
            DependsOnSteps = [publish.Name, WellKnownPipelineSteps.DeployPrereq],
            Resource = environment,
        };
        var destroy = new PipelineStep
        {
            Name = $"destroy-{environment.Name}",
            Description = $"Deletes what deploy created for '{environment.Name}', found by its labels, and nothing else.",
            Action = async context =>
            {
                await ConfirmDestroyAsync(environment, context).ConfigureAwait(false);
                await GkeStageRun.RunAsync(environment, StageRunMode.Destroy, dryRun: false, context).ConfigureAwait(false);
            },
            DependsOnSteps = [publish.Name, WellKnownPipelineSteps.DestroyPrereq],
            RequiredBySteps = [WellKnownPipelineSteps.Destroy],
            Resource = environment,
        };
        return [publish, plan, deploy, dryRun, destroy];
    }

    private static string PublishStepName(GkeEnvironmentResource environment) => $"publish-{environment.Name}";

    private static async Task PublishAsync(GkeEnvironmentResource environment, PipelineStepContext context)
    {
        var settings = await GkeSettings.ResolveAsync(environment, context.Services.GetRequiredService<IConfiguration>(), context.CancellationToken).ConfigureAwait(false);
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
        var configuration = context.Services.GetRequiredService<IConfiguration>();
        var settings = await GkeSettings.ResolveAsync(environment, configuration, context.CancellationToken).ConfigureAwait(false);
        var report = StartupPlanReport.Create(context.Model, environment, settings, new StartupPlanOptions
        {
            TargetSeconds = configuration.GetValue<double?>("Plan:TargetSeconds"),
            ConcurrentNodes = configuration.GetValue("Plan:ConcurrentNodes", 1),
            QueueLatencySeconds = configuration.GetValue("Plan:QueueLatencySeconds", AutoscalingRecommendation.DefaultQueueLatencySeconds),
            PodRequestsPerSecond = configuration.GetValue<double?>("Plan:PodRequestsPerSecond"),
            Burst = configuration.GetValue("Plan:Burst", AutoscalingRecommendation.DefaultBurst),
        });
        foreach (var section in report)
        {
            context.ReportingStep.Log(LogLevel.Information, new MarkdownString(section));
        }

        await context.ReportingStep.CompleteAsync("Start-up plan written above", CompletionState.Completed, context.CancellationToken).ConfigureAwait(false);
    }

    // As Aspire's own environments: `aspire destroy --yes`, or a confirmation when someone can answer.
    private static async Task ConfirmDestroyAsync(GkeEnvironmentResource environment, PipelineStepContext context)
    {
        if (context.Services.GetRequiredService<IOptions<PipelineOptions>>().Value.SkipConfirmation)
        {
            return;
        }

        var interaction = context.Services.GetRequiredService<IInteractionService>();
        if (!interaction.IsAvailable)
        {
            throw new DistributedApplicationException($"Destroying '{environment.Name}' deletes its node pools, disks, images and cluster objects: confirm with `aspire destroy --yes`.");
        }

        var answer = await interaction.PromptNotificationAsync(
            "Destroy the GKE deployment",
            $"Delete what deploy created for '{environment.Name}' (found by its labels): node pools, disks, images and cluster objects? Objects that are not ours are kept.",
            new NotificationInteractionOptions { Intent = MessageIntent.Confirmation, ShowSecondaryButton = true, ShowDismiss = false, PrimaryButtonText = "Destroy", SecondaryButtonText = "Cancel" },
            context.CancellationToken).ConfigureAwait(false);
        if (answer.Canceled || !answer.Data)
        {
            throw new OperationCanceledException("Destroy canceled: nothing was deleted.");
        }
    }
}
