using System.Net;
using k8s;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>
/// Creates the KubernetesClient the stages use: configuration from <c>KUBECONFIG</c> (or <c>~/.kube/config</c>, or the
/// in-cluster service account), and a retry of transient answers (429, 5xx, connection errors) with jittered
/// exponential backoff that honours <c>Retry-After</c>. Every call we make is safe to repeat: reads, server-side apply
/// and deletes.
/// </summary>
internal static class KubernetesClientFactory
{
    /// <summary>Creates a client from the usual kubeconfig or in-cluster configuration.</summary>
    /// <param name="retryDelay">The first retry's delay (doubling after), 500 ms when not given.</param>
    /// <returns>The client.</returns>
    public static IKubernetes CreateFromEnvironment(TimeSpan? retryDelay = null) =>
        Create(KubernetesClientConfiguration.BuildDefaultConfig(), retryDelay);

    /// <summary>Creates a client for a given configuration.</summary>
    /// <param name="configuration">The configuration, e.g. <c>new KubernetesClientConfiguration { Host = "http://127.0.0.1:1234" }</c>.</param>
    /// <param name="retryDelay">The first retry's delay (doubling after), 500 ms when not given.</param>
    /// <returns>The client.</returns>
    public static IKubernetes Create(KubernetesClientConfiguration configuration, TimeSpan? retryDelay = null)
    {
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 8,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = retryDelay ?? TimeSpan.FromMilliseconds(500),
                MaxDelay = TimeSpan.FromSeconds(30),
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException } => true,
                    { Result: { } response } => response.StatusCode is HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500,
                    _ => false,
                }),
            })
            .Build();
        return new k8s.Kubernetes(configuration, new ResilienceHandler(pipeline));
    }
}
