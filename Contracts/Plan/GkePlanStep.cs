using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace VllmAspire.Contracts.Plan;

/// <summary>One cloud resource of the GKE plan and the exact REST request that creates it.</summary>
public sealed record GkePlanStep
{
    /// <summary>Gets the step ID, unique in the plan.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>Gets what the step creates, in words.</summary>
    [JsonPropertyName("description")]
    public required string Description { get; init; }

    /// <summary>Gets the steps (and Kubernetes objects, as <c>kubernetes/Kind/namespace/name</c>) that must be done first.</summary>
    [JsonPropertyName("dependsOn")]
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>Gets the discovery method ID, e.g. <c>compute.disks.insert</c>.</summary>
    [JsonPropertyName("apiMethod")]
    public required string ApiMethod { get; init; }

    /// <summary>Gets the HTTP method.</summary>
    [JsonPropertyName("httpMethod")]
    public required string HttpMethod { get; init; }

    /// <summary>Gets the full URL, query included.</summary>
    [JsonPropertyName("url")]
    public required string Url { get; init; }

    /// <summary>Gets the request body.</summary>
    [JsonPropertyName("body")]
    public JsonObject? Body { get; init; }

    /// <summary>Gets values the request needs that only exist at deploy time, each with where deploy reads it.</summary>
    [JsonPropertyName("resolveAtDeploy")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? ResolveAtDeploy { get; init; }
}
