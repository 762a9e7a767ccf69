using System.Text.Json.Serialization;

namespace VllmAspire.Contracts.Plan;

/// <summary>What a plan step waits for, by kind: other steps, container images deploy pushes, Kubernetes objects.</summary>
public sealed record GkePlanDependencies
{
    /// <summary>Gets no dependencies.</summary>
    public static GkePlanDependencies None { get; } = new();

    /// <summary>Gets the IDs of the plan steps that must be done first; each is an earlier step of the plan.</summary>
    [JsonPropertyName("steps")]
    public IReadOnlyList<string> Steps { get; init; } = [];

    /// <summary>Gets the images of the plan's <see cref="GkePlan.ContainerImages"/> (by reference) that must be pushed first.</summary>
    [JsonPropertyName("containerImages")]
    public IReadOnlyList<string> ContainerImages { get; init; } = [];

    /// <summary>Gets the published Kubernetes objects that must be ready first, e.g. the bake Job before the weights image.</summary>
    [JsonPropertyName("kubernetesObjects")]
    public IReadOnlyList<GkePlanKubernetesObject> KubernetesObjects { get; init; } = [];

    /// <summary>Gets a value indicating whether the step waits for nothing.</summary>
    [JsonIgnore]
    public bool IsEmpty => Steps.Count == 0 && ContainerImages.Count == 0 && KubernetesObjects.Count == 0;

    /// <summary>
    /// Gets every dependency by the name deploy's stages provide it under: a step ID, an image reference, or a
    /// Kubernetes object's <see cref="GkePlanKubernetesObject.Key"/>.
    /// </summary>
    [JsonIgnore]
    public IEnumerable<string> Keys => Steps.Concat(ContainerImages).Concat(KubernetesObjects.Select(o => o.Key));
}
