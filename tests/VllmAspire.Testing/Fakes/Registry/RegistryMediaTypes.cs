namespace VllmAspire.Testing.Fakes.Registry;

/// <summary>The manifest and config media types of the OCI image spec and of Docker's image manifest v2 schema 2.</summary>
public static class RegistryMediaTypes
{
    /// <summary>An OCI image manifest.</summary>
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";

    /// <summary>An OCI image index.</summary>
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";

    /// <summary>A Docker image manifest, schema 2.</summary>
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";

    /// <summary>A Docker manifest list.</summary>
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";

    /// <summary>A Docker image config.</summary>
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";

    /// <summary>A Docker gzipped layer.</summary>
    public const string DockerLayer = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    /// <summary>Gets the manifest media types the registry stores.</summary>
    public static IReadOnlySet<string> Manifests { get; } = new HashSet<string>(StringComparer.Ordinal) { OciManifest, OciIndex, DockerManifest, DockerManifestList };
}
