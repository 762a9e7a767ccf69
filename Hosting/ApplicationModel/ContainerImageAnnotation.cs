namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>The image a container resource runs.</summary>
public sealed class ContainerImageAnnotation : IResourceAnnotation
{
    /// <summary>Gets or sets the registry, e.g. <c>docker.io</c>; <see langword="null"/> for the engine's default.</summary>
    public string? Registry { get; set; }

    /// <summary>Gets or sets the image name, e.g. <c>vllm/vllm-openai</c>.</summary>
    public required string Image { get; set; }

    /// <summary>Gets or sets the tag.</summary>
    public string Tag { get; set; } = "latest";

    /// <summary>Gets the full reference, e.g. <c>docker.io/vllm/vllm-openai:v0.10.1</c>.</summary>
    public string Reference => Registry is null ? $"{Image}:{Tag}" : $"{Registry}/{Image}:{Tag}";
}
