using System.Text.Json.Serialization;

namespace VllmAspire.Contracts.Plan;

/// <summary>
/// A container image of ours that <c>deploy</c> builds from source and pushes to the user's registry before the image
/// cache is built and the pods start (the Provisioner's prefetch sidecar, our metrics adapter).
/// </summary>
public sealed record GkePlanContainerImage
{
    /// <summary>Gets the full image reference with its tag, e.g. <c>us-central1-docker.pkg.dev/my-project/vllm/vllm-aspire-provisioner:1.0.0</c>.</summary>
    [JsonPropertyName("reference")]
    public required string Reference { get; init; }

    /// <summary>Gets the project that builds it, relative to the repository root with forward slashes, e.g. <c>Provisioner/Provisioner.csproj</c>.</summary>
    [JsonPropertyName("project")]
    public required string Project { get; init; }
}
