using k8s;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace VllmAspire.MetricsAdapterShim;

/// <summary>
/// In a cluster, the pods come from the Kubernetes API (in-cluster configuration, or <c>KUBECONFIG</c>): pods of
/// the namespace that run, have an IP and are not terminating; each is scraped at
/// <c>http://{podIP}:{port}/metrics</c>, the port from annotation <c>prometheus.io/port</c> or
/// <see cref="ShimOptions.MetricsPort"/>.
/// </summary>
internal sealed class KubernetesPodSource(IKubernetes client, IOptions<ShimOptions> options) : IPodSource
{
    private const string PortAnnotation = "prometheus.io/port";

    public async Task<IReadOnlyList<PodInfo>> ListAsync(string ns, CancellationToken cancellationToken)
    {
        V1PodList list;
        try
        {
            list = await client.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (k8s.Autorest.HttpOperationException e)
        {
            throw new InvalidOperationException($"listing pods in namespace '{ns}' failed with {(int)e.Response.StatusCode}; the shim's service account needs get/list/watch on pods", e);
        }

        var pods = new List<PodInfo>();
        foreach (var pod in list.Items ?? [])
        {
            // Terminating and finished pods are gone for the HPA; a pod without an IP cannot be scraped yet.
            if (pod.Metadata.DeletionTimestamp is not null || pod.Status?.Phase is not "Running" || string.IsNullOrEmpty(pod.Status.PodIP))
            {
                continue;
            }

            var port = pod.Metadata.Annotations?.TryGetValue(PortAnnotation, out var text) == true && int.TryParse(text, out var annotated) ? annotated : options.Value.MetricsPort;
            var host = pod.Status.PodIP.Contains(':', StringComparison.Ordinal) ? $"[{pod.Status.PodIP}]" : pod.Status.PodIP;
            pods.Add(new PodInfo(ns, pod.Metadata.Name, new Dictionary<string, string>(pod.Metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal), new Uri($"http://{host}:{port}/metrics")));
        }

        return pods;
    }
}
