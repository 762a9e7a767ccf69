using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;

namespace VllmAspire.MetricsAdapterShim;

/// <summary>
/// Locally, the pods are the running replicas the AppHost's dashboard lists (<c>GET /api/resources</c>), in namespace
/// <c>default</c>, named as the dashboard names them (<c>vllm-0</c>) and labelled <c>app=&lt;resource&gt;</c>.
/// </summary>
internal sealed class AppHostPodSource(HttpClient http, IOptions<ShimOptions> options) : IPodSource
{
    public async Task<IReadOnlyList<PodInfo>> ListAsync(string ns, CancellationToken cancellationToken)
    {
        var settings = options.Value.AppHost;
        if (settings.Url is null || string.IsNullOrEmpty(settings.Token))
        {
            throw new InvalidOperationException("MetricsAdapter:AppHost:Url and MetricsAdapter:AppHost:Token are not set; the AppHost sets them when it starts the shim.");
        }

        if (ns != "default")
        {
            return [];
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(settings.Url, "/api/resources"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.Token);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var resources = await response.Content.ReadFromJsonAsync<List<ResourceView>>(cancellationToken).ConfigureAwait(false) ?? [];
        var pods = new List<PodInfo>();
        foreach (var resource in resources.Where(r => settings.Resources.Contains(r.Name)))
        {
            foreach (var instance in resource.Instances ?? [])
            {
                // Only replicas that run now are pods; an exited or stopping one is gone.
                if (instance.State == "Running" && instance.Url is { Length: > 0 } url)
                {
                    var labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["app"] = resource.Name };
                    pods.Add(new PodInfo(ns, instance.Name, labels, new Uri(new Uri(url), "/metrics")));
                }
            }
        }

        return pods;
    }

    private sealed record ResourceView(string Name, List<InstanceView>? Instances);

    private sealed record InstanceView(string Name, string State, string? Url);
}
