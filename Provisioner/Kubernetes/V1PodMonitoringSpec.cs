using System.Text.Json.Serialization;
using k8s.Models;

namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>The spec of a <see cref="V1PodMonitoring"/>: the pods to scrape (in its own namespace) and their endpoints.</summary>
internal sealed class V1PodMonitoringSpec
{
    /// <summary>Gets or sets the label selector of the scraped pods.</summary>
    [JsonPropertyName("selector")]
    public V1LabelSelector Selector { get; set; } = new();

    /// <summary>Gets or sets the endpoints scraped on each pod.</summary>
    [JsonPropertyName("endpoints")]
    public IList<V1PodMonitoringEndpoint> Endpoints { get; set; } = [];

    /// <summary>Gets or sets whether only running pods are scraped (the CRD's default is true).</summary>
    [JsonPropertyName("filterRunning")]
    public bool? FilterRunning { get; set; }
}
