using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace VllmAspire.Hosting.Prometheus;

/// <summary>
/// Prometheus is healthy once <c>/-/ready</c> answers 200 to this run's basic-auth credentials (its web config
/// refuses every unauthenticated request, so Aspire's plain HTTP health check cannot be used).
/// </summary>
/// <param name="prometheus">The Prometheus resource.</param>
/// <param name="httpClientFactory">Creates the probe's client.</param>
internal sealed class PrometheusReadyHealthCheck(PrometheusResource prometheus, IHttpClientFactory httpClientFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!prometheus.HttpEndpoint.IsAllocated)
        {
            return HealthCheckResult.Unhealthy("The endpoint is not allocated yet.");
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(prometheus.HttpEndpoint.Url), "/-/ready"));
            request.Headers.Authorization = await prometheus.GetAuthorizationAsync(cancellationToken).ConfigureAwait(false);
            using var response = await httpClientFactory.CreateClient(nameof(PrometheusReadyHealthCheck)).SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"GET /-/ready answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }
        catch (HttpRequestException e)
        {
            return HealthCheckResult.Unhealthy($"GET /-/ready failed: {e.Message}");
        }
    }
}
