using k8s.Models;

namespace VllmAspire.MetricsAdapterShim;

/// <summary>
/// What a request asks for, in SubjectAccessReview terms, mapped as the generic apiserver's request-info does
/// (reference/metrics.md §2.3): <c>/apis/{group}/{version}/[namespaces/{ns}/]{resource}[/{name}[/{subresource}]]</c>
/// is a resource request (verb <c>get</c> with a name, <c>list</c> without); discovery paths are non-resource.
/// The pods route thus asks <c>get pods/*</c> with subresource = the metric; the namespace route asks
/// <c>get metrics/&lt;metric&gt;</c> in the namespace.
/// </summary>
internal sealed record RequestAttributes(V1ResourceAttributes? Resource, V1NonResourceAttributes? NonResource)
{
    /// <summary>Maps a decoded request path (Kestrel has already turned <c>%2A</c> into <c>*</c>).</summary>
    public static RequestAttributes For(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 4 || segments[0] != "apis")
        {
            return new RequestAttributes(null, new V1NonResourceAttributes { Path = path, Verb = "get" });
        }

        var parts = segments.AsSpan(3);
        string? ns = null;
        if (parts is ["namespaces", var namespaceName, ..])
        {
            ns = namespaceName;
            parts = parts.Length == 2 ? (string[])["namespaces", namespaceName] : parts[2..];
        }

        return new RequestAttributes(new V1ResourceAttributes
        {
            Group = segments[1],
            Version = segments[2],
            NamespaceProperty = ns,
            Resource = parts[0],
            Name = parts.Length > 1 ? parts[1] : null,
            Subresource = parts.Length > 2 ? string.Join('/', parts[2..].ToArray()) : null,
            Verb = parts.Length > 1 ? "get" : "list",
        }, null);
    }

    /// <summary>Gets a stable text of the attributes, for the decision cache's key and for messages.</summary>
    public string Key => Resource is { } r
        ? $"{r.Verb} {r.Group}/{r.Version} ns={r.NamespaceProperty} {r.Resource}/{r.Subresource} name={r.Name}"
        : $"{NonResource!.Verb} {NonResource.Path}";

    /// <summary>Gets the Kubernetes-style Forbidden message for a user.</summary>
    public string ForbiddenMessage(string user, string? reason)
    {
        var message = Resource is { } r
            ? $"{r.Resource}.{r.Group} \"{r.Name}\" is forbidden: User \"{user}\" cannot {r.Verb} resource \"{r.Resource}{(r.Subresource is null ? "" : "/" + r.Subresource)}\" in API group \"{r.Group}\"{(r.NamespaceProperty is null ? " at the cluster scope" : $" in the namespace \"{r.NamespaceProperty}\"")}"
            : $"forbidden: User \"{user}\" cannot {NonResource!.Verb} path \"{NonResource.Path}\"";
        return string.IsNullOrEmpty(reason) ? message : $"{message}: {reason}";
    }
}
