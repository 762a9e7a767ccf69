using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace VllmAspire.Contracts.Plan;

/// <summary>
/// One cloud resource of the GKE plan and the exact REST request that creates it, with its place in the deployment's
/// graph: what it waits for (<see cref="DependsOn"/>) and which Kubernetes objects wait for it (<see cref="RequiredBy"/>).
/// </summary>
public sealed record GkePlanStep
{
    /// <summary>Gets the step ID, unique in the plan.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>Gets what the step creates, in words.</summary>
    [JsonPropertyName("description")]
    public required string Description { get; init; }

    /// <summary>Gets what must be done before the request is sent: earlier steps, pushed images, ready Kubernetes objects.</summary>
    [JsonPropertyName("dependsOn")]
    public GkePlanDependencies DependsOn { get; init; } = GkePlanDependencies.None;

    /// <summary>
    /// Gets the published Kubernetes objects that need what this step creates before they are applied, e.g. the
    /// PersistentVolume of a disk, the Deployments placed on a node pool, the Job whose account an IAM binding grants.
    /// </summary>
    [JsonPropertyName("requiredBy")]
    public IReadOnlyList<GkePlanKubernetesObject> RequiredBy { get; init; } = [];

    /// <summary>Gets the discovery method ID, e.g. <c>compute.disks.insert</c>.</summary>
    [JsonPropertyName("apiMethod")]
    public required string ApiMethod { get; init; }

    /// <summary>Gets the HTTP method.</summary>
    [JsonPropertyName("httpMethod")]
    public required string HttpMethod { get; init; }

    /// <summary>Gets the full URL, query included.</summary>
    [JsonPropertyName("url")]
    public required string Url { get; init; }

    /// <summary>Gets the request body as the API takes it (written from the typed requests of <see cref="GcpRequestJson"/>).</summary>
    [JsonPropertyName("body")]
    public JsonObject? Body { get; init; }

    /// <summary>Gets values the request needs that only exist at deploy time, each with where deploy reads it.</summary>
    [JsonPropertyName("resolveAtDeploy")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? ResolveAtDeploy { get; init; }

    /// <summary>Reads the body as a typed request.</summary>
    /// <typeparam name="T">The request type, e.g. <see cref="Compute.Disk"/>.</typeparam>
    /// <returns>The request.</returns>
    /// <exception cref="InvalidOperationException">The step has no body, or its body does not read as <typeparamref name="T"/>.</exception>
    public T BodyAs<T>()
        where T : class =>
        Body is null
            ? throw new InvalidOperationException($"Plan step '{Id}' has no body; republish the plan.")
            : GcpRequestJson.FromBody<T>(Body, Id);
}
