using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using VllmAspire.Provisioner.Gcp.Compute;
using VllmAspire.Provisioner.Gcp.Container;
using VllmAspire.Provisioner.Gcp.ResourceManager;
using VllmAspire.Provisioner.Stages.Gcp;

namespace VllmAspire.Provisioner.Gcp;

/// <summary>Registers the Google Cloud REST clients.</summary>
internal static class GcpServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ComputeClient"/>, <see cref="ContainerClient"/> and <see cref="ResourceManagerClient"/> as typed
    /// HTTP clients: endpoints and retry settings from the <c>Gcp</c> section, the bearer token from
    /// <c>GOOGLE_OAUTH_ACCESS_TOKEN</c> or Application Default Credentials, transient errors retried with jittered backoff.
    /// Also binds <see cref="GcpStageOptions"/> (section <c>Gcp:Stages</c>) for <see cref="GcpStageFactory.Create"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration holding the <c>Gcp</c> section.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddGcpClients(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<GcpOptions>(configuration.GetSection(GcpOptions.SectionName));
        services.Configure<GcpStageOptions>(configuration.GetSection(GcpStageOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IGcpAccessTokenSource>(_ => new GcpAccessTokenSource(configuration));
        services.TryAddTransient<GcpAuthenticationHandler>();
        AddClient<ComputeClient>(services, o => o.Endpoints.Compute);
        AddClient<ContainerClient>(services, o => o.Endpoints.Container);
        AddClient<ResourceManagerClient>(services, o => o.Endpoints.ResourceManager);
        return services;
    }

    private static void AddClient<TClient>(IServiceCollection services, Func<GcpOptions, Uri> endpoint)
        where TClient : class
    {
        var builder = services.AddHttpClient<TClient>((sp, http) =>
            {
                var options = sp.GetRequiredService<IOptions<GcpOptions>>().Value;
                var baseAddress = endpoint(options).ToString();
                http.BaseAddress = new Uri(baseAddress.EndsWith('/') ? baseAddress : baseAddress + "/");

                // Each attempt has its own timeout in the resilience pipeline; the client as a whole does not.
                http.Timeout = Timeout.InfiniteTimeSpan;
            });
        builder.AddResilienceHandler("gcp", static (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<GcpOptions>>().Value;
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = options.Retry.MaxRetryAttempts,
                    Delay = options.Retry.BaseDelay,
                    MaxDelay = options.Retry.MaxDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    ShouldHandle = args => GcpTransientErrors.IsTransientAsync(args.Outcome.Result, args.Outcome.Exception),
                });
                pipeline.AddTimeout(options.RequestTimeout);
            });

        // Added after the retry handler, so it runs inside it and every attempt gets a current token.
        builder.AddHttpMessageHandler<GcpAuthenticationHandler>();

        // The factory's request logging sees the bearer token; it never shows it.
        builder.RedactLoggedHeaders(["Authorization"]);
    }
}
