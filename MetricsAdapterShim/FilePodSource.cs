using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace VllmAspire.MetricsAdapterShim;

/// <summary>
/// Locally, the pods are the replicas listed in Prometheus file-based service discovery files
/// (<c>MetricsAdapter:TargetFiles</c>) that the AppHost keeps current: each target group is one running replica at
/// <c>host:port</c>, its labels name the pod (<c>pod</c>), its namespace (<c>namespace</c>) and its resource
/// (<c>resource</c>, reported as the pod's <c>app</c> label). The files are read at each listing; a missing file lists
/// no pods (the AppHost has not written it yet).
/// </summary>
internal sealed class FilePodSource(IOptions<ShimOptions> options) : IPodSource
{
    public async Task<IReadOnlyList<PodInfo>> ListAsync(string ns, CancellationToken cancellationToken)
    {
        var files = options.Value.TargetFiles;
        if (files.Count == 0)
        {
            throw new InvalidOperationException("MetricsAdapter:TargetFiles is empty; the AppHost sets it when it starts the shim (MetricsAdapter:PodSource=file).");
        }

        var pods = new List<PodInfo>();
        foreach (var file in files)
        {
            List<TargetGroup>? groups;
            try
            {
                await using var stream = File.OpenRead(file);
                groups = await JsonSerializer.DeserializeAsync<List<TargetGroup>>(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (FileNotFoundException)
            {
                continue;
            }
            catch (JsonException e)
            {
                throw new InvalidOperationException($"Targets file '{file}' is not Prometheus file_sd JSON: {e.Message}", e);
            }

            foreach (var group in groups ?? [])
            {
                var labels = group.Labels ?? [];
                if (labels.GetValueOrDefault("namespace", "default") != ns || !labels.TryGetValue("pod", out var pod) || !labels.TryGetValue("resource", out var resource))
                {
                    continue;
                }

                foreach (var target in group.Targets ?? [])
                {
                    var podLabels = new Dictionary<string, string>(StringComparer.Ordinal) { ["app"] = resource };
                    pods.Add(new PodInfo(ns, pod, podLabels, new Uri($"http://{target}/metrics")));
                }
            }
        }

        return pods;
    }

    private sealed record TargetGroup(
        [property: JsonPropertyName("targets")] List<string>? Targets,
        [property: JsonPropertyName("labels")] Dictionary<string, string>? Labels);
}
