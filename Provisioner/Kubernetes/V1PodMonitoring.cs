using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>
/// Google Managed Prometheus's <c>PodMonitoring</c> (<c>monitoring.googleapis.com/v1</c>), with the fields the published
/// manifests use; its CRD is in <c>reference/schemas/</c>. Loading is strict, so a manifest with a field this model lacks
/// fails to load rather than being applied without it.
/// </summary>
internal sealed class V1PodMonitoring : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Gets or sets the API version, <c>monitoring.googleapis.com/v1</c>.</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "monitoring.googleapis.com/v1";

    /// <summary>Gets or sets the kind, <c>PodMonitoring</c>.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "PodMonitoring";

    /// <summary>Gets or sets the object's metadata.</summary>
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>Gets or sets which pods are scraped and how.</summary>
    [JsonPropertyName("spec")]
    public V1PodMonitoringSpec Spec { get; set; } = new();
}
