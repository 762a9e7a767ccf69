namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>Names one object in a cluster.</summary>
/// <param name="Kind">Its kind.</param>
/// <param name="Namespace">Its namespace, or <see langword="null"/> when cluster-scoped.</param>
/// <param name="Name">Its name.</param>
internal sealed record ManifestKey(KubernetesKind Kind, string? Namespace, string Name)
{
    /// <summary>Gets the plan's name for it, <c>kubernetes/Kind/namespace/name</c>.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => ManifestObject.KeyOf(Kind, Namespace, Name);
}
