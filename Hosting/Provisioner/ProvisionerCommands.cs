using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace VllmAspire.Hosting.Provisioner;

/// <summary>
/// The provisioner's commands <c>deploy-dry-run</c>, <c>deploy</c> and <c>destroy</c> (the last two confirmed first):
/// each asks the Provisioner service, with its API token, to run the stages of the published model
/// (<c>POST /api/deploy</c> or <c>/api/destroy</c> with <c>{"dryRun"}</c>) and returns once the run has started; the
/// <see cref="ProvisioningStageMonitor"/> then shows each stage as a child resource until the run ends. Enabled while
/// the service is healthy.
/// </summary>
internal static class ProvisionerCommands
{
    /// <summary>The dry run's command name.</summary>
    public const string DryRun = "deploy-dry-run";

    /// <summary>The deploy command's name.</summary>
    public const string Deploy = "deploy";

    /// <summary>The destroy command's name.</summary>
    public const string Destroy = "destroy";

    /// <summary>Adds the three commands.</summary>
    /// <param name="builder">The provisioner.</param>
    /// <returns>The builder.</returns>
    public static IResourceBuilder<ProvisionerResource> WithProvisioningCommands(this IResourceBuilder<ProvisionerResource> builder)
    {
        var provisioner = builder.Resource;
        return builder
            .WithCommand(DryRun, "Deploy (dry run)", context => RunAsync(provisioner, "deploy", dryRun: true, context), new CommandOptions
            {
                Description = "Runs every provisioning stage of the published model against GCP and Kubernetes and reports what it would change, changing nothing.",
                IconName = "CloudCheckmark",
                UpdateState = WhenHealthy,
            })
            .WithCommand(Deploy, "Deploy", context => RunAsync(provisioner, "deploy", dryRun: false, context), new CommandOptions
            {
                Description = "Provisions and deploys the published model on GKE: disk images, node pool, weights disks, workloads, autoscaler.",
                IconName = "CloudArrowUp",
                ConfirmationMessage = $"Deploy the model published in {provisioner.PublishedPath} to GKE? This creates and changes cloud resources that cost money.",
                UpdateState = WhenHealthy,
            })
            .WithCommand(Destroy, "Destroy", context => RunAsync(provisioner, "destroy", dryRun: false, context), new CommandOptions
            {
                Description = "Deletes from GCP and the cluster what deploy created for the published model, found by its labels, and nothing else.",
                IconName = "CloudDismiss",
                ConfirmationMessage = $"Destroy on GKE everything deploy created for the model published in {provisioner.PublishedPath}? This cannot be undone.",
                UpdateState = WhenHealthy,
            });
    }

    private static ResourceCommandState WhenHealthy(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.HealthStatus == HealthStatus.Healthy ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;

    private static async Task<ExecuteCommandResult> RunAsync(ProvisionerResource provisioner, string verb, bool dryRun, ExecuteCommandContext context)
    {
        var what = dryRun ? $"{verb} (dry run)" : verb;
        var plan = Path.Combine(provisioner.PublishedPath, "gke-plan.json");
        if (!File.Exists(plan))
        {
            // The running model is a local one (no GCP parameters, no deployment targets): publishing is its own run.
            return CommandResults.Failure(
                $"Nothing is published in {provisioner.PublishedPath} yet, so there is nothing to {verb}. Publish the model there first, with the GCP parameters set: " +
                $"dotnet aspire publish -o {provisioner.PublishedPath} (see README, Deploy), then run {what} again.");
        }

        var endpoint = provisioner.GetEndpoint("http");
        if (!endpoint.IsAllocated)
        {
            return CommandResults.Failure($"The provisioner '{provisioner.Name}' is not running: start it and wait until it is healthy, then run {what} again.");
        }

        using var http = context.Services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(ProvisionerCommands));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(endpoint.Url), $"/api/{verb}")) { Content = JsonContent.Create(new { dryRun }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await provisioner.ApiToken.GetValueAsync(context.CancellationToken).ConfigureAwait(false));
        try
        {
            using var response = await http.SendAsync(request, context.CancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(context.CancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return CommandResults.Failure($"The provisioner refused the {what} ({(int)response.StatusCode} {response.ReasonPhrase}): {DetailOf(body)}");
            }
        }
        catch (HttpRequestException e)
        {
            return CommandResults.Failure($"The provisioner at {endpoint.Url} did not answer the {what}: {e.Message}");
        }

        context.Services.GetRequiredService<ProvisioningStageMonitor>().Follow(provisioner, what);
        return CommandResults.Success($"The {what} of {provisioner.PublishedPath} started: each stage shows under '{provisioner.Name}' as it runs, and the run is a trace in Traces.");
    }

    // The Provisioner answers errors as problem details; the detail says what is wrong and what to do.
    private static string DetailOf(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
            {
                return detail.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Not a problem document: the body itself says it.
        }

        return body;
    }
}
