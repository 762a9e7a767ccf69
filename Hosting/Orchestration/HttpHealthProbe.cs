using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Orchestration;

/// <summary>Runs a resource's HTTP health checks against one replica's own port.</summary>
internal sealed class HttpHealthProbe(IHttpClientFactory httpClientFactory)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Probes every check; healthy only if all answer as expected.</summary>
    public async Task<ResourceHealthStatus> ProbeAsync(IResource resource, int replicaIndex, CancellationToken cancellationToken)
    {
        var checks = resource.Annotations.OfType<HttpHealthCheckAnnotation>().ToList();
        var client = httpClientFactory.CreateClient(nameof(HttpHealthProbe));
        foreach (var check in checks)
        {
            var endpoint = resource.GetEndpoints().First(e => e.Name == check.EndpointName);
            if (!endpoint.ReplicaTargetPorts.TryGetValue(replicaIndex, out var port))
            {
                return ResourceHealthStatus.Unhealthy;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{endpoint.UriScheme}://{endpoint.TargetHost}:{port}{check.Path}"));
                request.Headers.Authorization = check.Authorization?.Invoke();
                using var response = await client.SendAsync(request, timeout.Token).ConfigureAwait(false);
                if ((int)response.StatusCode != check.StatusCode)
                {
                    return ResourceHealthStatus.Unhealthy;
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return ResourceHealthStatus.Unhealthy;
            }
        }

        return ResourceHealthStatus.Healthy;
    }
}
