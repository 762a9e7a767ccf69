using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace VllmAspire.Contracts.Plan;

/// <summary>The GKE provisioning plan written as <c>gke-plan.json</c>: every cloud resource in creation order.</summary>
public sealed record GkePlan
{
    // Optional lists and dependencies are left out when empty, so each step shows only the edges it has.
    private static readonly JsonSerializerOptions SerializerOptions = new()
    {
        WriteIndented = true,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitEmptyOptionalProperties } },
    };

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
    [JsonPropertyName("containerImages")]
    public IReadOnlyList<GkePlanContainerImage> ContainerImages { get; init; } = [];

    /// <summary>Serializes the plan as indented JSON.</summary>
    /// <returns>The JSON.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, SerializerOptions) + "\n";

    private static void OmitEmptyOptionalProperties(JsonTypeInfo type)
    {
        foreach (var property in type.Properties.Where(p => !p.IsRequired))
        {
            // Keeps what the property's own attributes decide (e.g. WhenWritingNull).
            var own = property.ShouldSerialize;
            property.ShouldSerialize = (owner, value) => (own?.Invoke(owner, value) ?? true) && value switch
            {
                ICollection { Count: 0 } => false,
                GkePlanDependencies { IsEmpty: true } => false,
                _ => true,
            };
        }
    }
}
