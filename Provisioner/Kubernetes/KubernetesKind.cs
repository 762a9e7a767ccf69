namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>A kind of Kubernetes object the provisioner handles: where the API serves it and which model holds it.</summary>
/// <param name="Kind">The kind, e.g. <c>Deployment</c>.</param>
/// <param name="Group">The API group; empty for the core group.</param>
/// <param name="Version">The API version within the group, e.g. <c>v1</c>.</param>
/// <param name="Plural">The resource name in URLs, e.g. <c>deployments</c>.</param>
/// <param name="Namespaced">Whether objects of this kind live in a namespace.</param>
/// <param name="ModelType">The KubernetesClient model (or our model of a custom resource).</param>
internal sealed record KubernetesKind(string Kind, string Group, string Version, string Plural, bool Namespaced, Type ModelType)
{
    /// <summary>Gets the <c>apiVersion</c> objects of this kind carry, e.g. <c>apps/v1</c> or <c>v1</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>Gets a value indicating whether the kind is in the core group (served under <c>/api/v1</c>).</summary>
    public bool IsCore => Group.Length == 0;
}
