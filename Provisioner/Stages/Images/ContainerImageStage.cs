using Microsoft.Extensions.Http.Resilience;
using Polly;
using VllmAspire.Provisioner.Gcp;

namespace VllmAspire.Provisioner.Stages.Images;

/// <summary>
/// Makes sure one of our images (the Provisioner's prefetch sidecar, the metrics adapter) is in the user's registry:
/// observes whether the tag's manifest exists and, if not, builds it from source and pushes it with the .NET SDK.
/// The registry's credentials are the deploy's Google access token (<c>oauth2accesstoken</c> and the token, as Artifact
/// Registry takes them). Destroy leaves images alone: the registry is the user's.
/// </summary>
/// <param name="image">The image to push.</param>
/// <param name="projectPath">The absolute path of the project that builds it.</param>
/// <param name="options">The build settings.</param>
internal sealed class ContainerImageStage(ContainerImageReference image, string projectPath, ContainerImageStageOptions options) : IProvisioningStage
{
    private readonly DotnetPublishContainer _publish = new(options);

    /// <summary>Gets the prefix of every image stage's name.</summary>
    public const string NamePrefix = "image-";

    /// <inheritdoc />
    public string Name { get; } = NamePrefix + image.Name;

    /// <inheritdoc />
    public IReadOnlyList<string> DependsOn { get; } = [];

    /// <inheritdoc />
    public IReadOnlyList<string> Provides { get; } = [image.ToString()];

    /// <summary>Gets the image this stage pushes.</summary>
    public ContainerImageReference Image { get; } = image;

    /// <summary>Gets the project that builds it.</summary>
    public string ProjectPath { get; } = projectPath;

    /// <inheritdoc />
    public async Task<StageResult> ReconcileAsync(StageContext context, CancellationToken cancellationToken)
    {
        var reference = Image.ToString();
        var credentials = await CredentialsAsync(context, cancellationToken).ConfigureAwait(false);
        using var http = CreateHttpClient();
        var registry = new ContainerRegistryClient(http);
        Report(context, $"looking for {reference} in the registry");
        var digest = await registry.GetManifestDigestAsync(Image, credentials, cancellationToken).ConfigureAwait(false);
        if (digest is not null)
        {
            return new StageResult(StageOutcome.Unchanged, [reference], $"{reference} is in the registry{(digest.Length > 0 ? $" ({digest})" : "")}");
        }

        if (context.DryRun)
        {
            return new StageResult(StageOutcome.Created, [reference], $"would build {ProjectPath} and push {reference}");
        }

        Report(context, $"building {Path.GetFileName(ProjectPath)} and pushing {reference}");
        await _publish.RunAsync(ProjectPath, Image, credentials, line => Report(context, line), cancellationToken).ConfigureAwait(false);
        digest = await registry.GetManifestDigestAsync(Image, credentials, cancellationToken).ConfigureAwait(false)
            ?? throw new ProvisioningException(reference, "dotnet publish succeeded but the registry has no manifest for the tag", "Check the registry's cleanup policies and rerun the deploy.");
        return new StageResult(StageOutcome.Created, [reference], $"built {Path.GetFileName(ProjectPath)} and pushed {reference}{(digest.Length > 0 ? $" ({digest})" : "")}");
    }

    /// <inheritdoc />
    public Task<StageResult> DestroyAsync(StageContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new StageResult(
            StageOutcome.Unchanged,
            [Image.ToString()],
            $"left {Image} in the registry: deleting images from your registry is not ours to do (gcloud artifacts docker images delete removes it)"));

    private HttpClient CreateHttpClient()
    {
        // Transient registry errors are retried with jittered backoff, as the Google API clients do.
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .AddTimeout(options.RequestTimeout)
            .Build();
        return new HttpClient(new ResilienceHandler(pipeline) { InnerHandler = new SocketsHttpHandler() }) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private static async Task<RegistryCredentials> CredentialsAsync(StageContext context, CancellationToken cancellationToken)
    {
        var tokens = context.Services.GetRequiredService<IGcpAccessTokenSource>();
        return new RegistryCredentials(RegistryCredentials.AccessTokenUsername, await tokens.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false));
    }

    private void Report(StageContext context, string message) => context.Progress.Report(new StageProgress(Name, message));
}
