using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using VllmAspire.Contracts.Plan;

namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>One object of the published manifests, with its kind and its name as the plan writes it.</summary>
/// <param name="Kind">Where the API serves the object.</param>
/// <param name="Object">The typed object.</param>
/// <param name="File">The file it was loaded from.</param>
internal sealed record ManifestObject(KubernetesKind Kind, IKubernetesObject<V1ObjectMeta> Object, string File)
{
    /// <summary>Gets the object's name.</summary>
    public string Name => Object.Metadata.Name;

    /// <summary>Gets the object's namespace, or <see langword="null"/> for a cluster-scoped object.</summary>
    public string? Namespace => Kind.Namespaced ? Object.Metadata.NamespaceProperty : null;

    /// <summary>Gets the object's labels.</summary>
    public IDictionary<string, string> Labels => Object.Metadata.Labels ?? new Dictionary<string, string>();

    /// <summary>Gets the name plan steps and stages use for it: <c>kubernetes/Kind/namespace/name</c>, or <c>kubernetes/Kind/name</c> when cluster-scoped.</summary>
    public string Key => KeyOf(Kind, Namespace, Name);

    /// <summary>Gets the object as JSON, as it is sent to the API server.</summary>
    /// <returns>A fresh JSON tree.</returns>
    public JsonObject ToJson() => JsonNode.Parse(KubernetesJson.Serialize(Object))!.AsObject();

    /// <summary>Builds the name plan steps and stages use for an object (<see cref="GkePlanKubernetesObject.KeyOf"/>).</summary>
    /// <param name="kind">The object's kind.</param>
    /// <param name="namespace">Its namespace, or <see langword="null"/>.</param>
    /// <param name="name">Its name.</param>
    /// <returns><c>kubernetes/Kind/namespace/name</c>, or <c>kubernetes/Kind/name</c>.</returns>
    public static string KeyOf(KubernetesKind kind, string? @namespace, string name) => GkePlanKubernetesObject.KeyOf(kind.Kind, @namespace, name);
}
