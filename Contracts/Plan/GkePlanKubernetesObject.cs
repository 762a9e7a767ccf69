using System.Text.Json.Serialization;

namespace VllmAspire.Contracts.Plan;

/// <summary>
/// A Kubernetes object of the published manifests, as a plan step names it: an object the step waits for (the bake
/// Job before the weights image), or one that waits for the step (a PersistentVolume for its disk).
/// </summary>
public sealed record GkePlanKubernetesObject
{
    /// <summary>Gets the object's kind, e.g. <c>PersistentVolume</c>.</summary>
    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    /// <summary>Gets the object's namespace, or <see langword="null"/> for a cluster-scoped object.</summary>
    [JsonPropertyName("namespace")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Namespace { get; init; }

    /// <summary>Gets the object's name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Gets the name deploy's stages know the object by (<see cref="KeyOf"/>).</summary>
    [JsonIgnore]
    public string Key => KeyOf(Kind, Namespace, Name);

    /// <summary>Builds the name deploy's stages know an object by.</summary>
    /// <param name="kind">The object's kind.</param>
    /// <param name="namespace">Its namespace, or <see langword="null"/> when cluster-scoped.</param>
    /// <param name="name">Its name.</param>
    /// <returns><c>kubernetes/Kind/namespace/name</c>, or <c>kubernetes/Kind/name</c> when cluster-scoped.</returns>
    public static string KeyOf(string kind, string? @namespace, string name) =>
        @namespace is null ? $"kubernetes/{kind}/{name}" : $"kubernetes/{kind}/{@namespace}/{name}";
}
