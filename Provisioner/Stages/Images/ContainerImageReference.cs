namespace VllmAspire.Provisioner.Stages.Images;

/// <summary>A tagged image reference split as the registry API needs it: <c>{Registry}/{Repository}:{Tag}</c>.</summary>
/// <param name="Registry">The registry host (and port), e.g. <c>us-central1-docker.pkg.dev</c>.</param>
/// <param name="Repository">The repository path inside it, e.g. <c>my-project/vllm/vllm-aspire-provisioner</c>.</param>
/// <param name="Tag">The tag, e.g. <c>1.0.0</c>.</param>
internal sealed record ContainerImageReference(string Registry, string Repository, string Tag)
{
    /// <summary>Gets the repository's last path segment, e.g. <c>vllm-aspire-provisioner</c>.</summary>
    public string Name => Repository[(Repository.LastIndexOf('/') + 1)..];

    /// <summary>Parses a reference such as <c>us-central1-docker.pkg.dev/my-project/vllm/vllm-aspire-provisioner:1.0.0</c>.</summary>
    /// <param name="reference">The reference; it must name a registry host and a tag (not a digest).</param>
    /// <returns>The parts.</returns>
    /// <exception cref="ArgumentException">The reference has no registry host, no repository or no tag.</exception>
    public static ContainerImageReference Parse(string reference)
    {
        var slash = reference.IndexOf('/', StringComparison.Ordinal);
        var colon = reference.LastIndexOf(':');
        var registry = slash > 0 ? reference[..slash] : "";

        // Docker's rule: the first segment is a registry only if it has a dot or a port, or is localhost.
        var hasRegistry = registry.Contains('.', StringComparison.Ordinal) || registry.Contains(':', StringComparison.Ordinal) || registry == "localhost";
        if (!hasRegistry || reference.Contains('@', StringComparison.Ordinal) || colon <= slash || colon == reference.Length - 1 || colon - slash < 2)
        {
            throw new ArgumentException(
                $"Container image '{reference}' is not a tagged reference with a registry host such as us-central1-docker.pkg.dev/my-project/vllm/name:1.0.0; republish with the container-registry parameter set to your registry.",
                nameof(reference));
        }

        return new ContainerImageReference(registry, reference[(slash + 1)..colon], reference[(colon + 1)..]);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Registry}/{Repository}:{Tag}";
}
