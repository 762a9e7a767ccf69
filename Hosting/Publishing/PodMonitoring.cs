using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace VllmAspire.Hosting.Publishing;

/// <summary>
/// Google Managed Prometheus' <c>monitoring.googleapis.com/v1</c> PodMonitoring: scrapes the selected pods of its
/// namespace (reference/schemas/monitoring.googleapis.com_podmonitorings.yaml).
/// </summary>
public sealed class PodMonitoring : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The API group.</summary>
    public const string KubeGroup = "monitoring.googleapis.com";

    /// <summary>The API version.</summary>
    public const string KubeApiVersion = "v1";

    /// <summary>The kind.</summary>
    public const string KubeKind = "PodMonitoring";

    /// <inheritdoc />
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{KubeGroup}/{KubeApiVersion}";

    /// <inheritdoc />
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KubeKind;

    /// <inheritdoc />
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>Gets or sets the spec.</summary>
    [JsonPropertyName("spec")]
    public PodMonitoringSpec Spec { get; set; } = new();
}

/// <summary>The spec of a <see cref="PodMonitoring"/>.</summary>
public sealed class PodMonitoringSpec
{
    /// <summary>Gets or sets the pods to scrape.</summary>
    [JsonPropertyName("selector")]
    public V1LabelSelector Selector { get; set; } = new();

    /// <summary>Gets or sets the endpoints to scrape on each pod.</summary>
    [JsonPropertyName("endpoints")]
    public IList<PodMonitoringEndpoint> Endpoints { get; set; } = [];
}

/// <summary>A scrape endpoint of a <see cref="PodMonitoring"/>.</summary>
public sealed class PodMonitoringEndpoint
{
    /// <summary>Gets or sets the port name (a name fills in the <c>container</c> label).</summary>
    [JsonPropertyName("port")]
    public required string Port { get; set; }

    /// <summary>Gets or sets the HTTP path.</summary>
    [JsonPropertyName("path")]
    public string? Path { get; set; }

    /// <summary>Gets or sets the scrape interval, a Prometheus duration such as <c>15s</c>.</summary>
    [JsonPropertyName("interval")]
    public required string Interval { get; set; }
}
