using System.Text.Json.Serialization;
using k8s.Models;

namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>One scrape endpoint of a <see cref="V1PodMonitoring"/>.</summary>
internal sealed class V1PodMonitoringEndpoint
{
    /// <summary>Gets or sets the container port, by name or number (required).</summary>
    [JsonPropertyName("port")]
    public IntOrString Port { get; set; } = "";

    /// <summary>Gets or sets the HTTP path, <c>/metrics</c> by default.</summary>
    [JsonPropertyName("path")]
    public string? Path { get; set; }

    /// <summary>Gets or sets the scrape interval as a Prometheus duration, e.g. <c>15s</c> (required).</summary>
    [JsonPropertyName("interval")]
    public string Interval { get; set; } = "";

    /// <summary>Gets or sets the scheme, <c>http</c> or <c>https</c>.</summary>
    [JsonPropertyName("scheme")]
    public string? Scheme { get; set; }

    /// <summary>Gets or sets the scrape timeout, at most the interval.</summary>
    [JsonPropertyName("timeout")]
    public string? Timeout { get; set; }
}
