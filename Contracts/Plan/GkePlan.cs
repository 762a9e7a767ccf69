using System.Text.Json;
using System.Text.Json.Serialization;

namespace VllmAspire.Contracts.Plan;

/// <summary>The GKE provisioning plan written as <c>gke-plan.json</c>: every cloud resource in creation order.</summary>
public sealed record GkePlan
{
    private static readonly JsonSerializerOptions SerializerOptions = new() { WriteIndented = true };

    /// <summary>Gets the project.</summary>
    [JsonPropertyName("project")]
    public required string Project { get; init; }

    /// <summary>Gets the cluster location.</summary>
    [JsonPropertyName("location")]
    public required string Location { get; init; }

    /// <summary>Gets the cluster.</summary>
    [JsonPropertyName("cluster")]
    public required string Cluster { get; init; }

    /// <summary>Gets the steps in creation order.</summary>
    [JsonPropertyName("steps")]
    public required IReadOnlyList<GkePlanStep> Steps { get; init; }

    /// <summary>Gets the images of ours that deploy builds and pushes before the steps that need them (none by default).</summary>
    [JsonIgnore]
    public IReadOnlyList<GkePlanContainerImage> ContainerImages { get; init; } = [];

    /// <summary>Gets or sets <see cref="ContainerImages"/> as written: left out when empty, so plans without images read as before.</summary>
    [JsonInclude]
    [JsonPropertyName("containerImages")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private IReadOnlyList<GkePlanContainerImage>? SerializedContainerImages
    {
        get => ContainerImages.Count == 0 ? null : ContainerImages;
        init => ContainerImages = value ?? [];
    }

    /// <summary>Serializes the plan as indented JSON.</summary>
    /// <returns>The JSON.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, SerializerOptions) + "\n";
}
