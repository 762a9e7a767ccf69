using System.Text.Json.Nodes;
using VllmAspire.Provisioner.Kubernetes;

namespace VllmAspire.Provisioner.Stages.Kubernetes;

/// <summary>
/// Finds what in one of our namespaces is not ours, so destroy never deletes it with the namespace (deleting a namespace
/// deletes everything inside it, e.g. the user's Hugging Face token Secret). Ours: objects with our <c>managed-by</c>
/// label, what Kubernetes puts in every namespace, and objects owned (through ownerReferences) by ours.
/// </summary>
internal static class NamespaceContents
{
    private const string ManagedByLabel = "app.kubernetes.io/managed-by";

    // What users (and charts) put in a namespace; ReplicaSets are read to link pods to their Deployments.
    private static readonly KubernetesKind[] s_kinds =
    [
        KubernetesKinds.Secret, KubernetesKinds.ConfigMap, KubernetesKinds.ServiceAccount, KubernetesKinds.PersistentVolumeClaim,
        KubernetesKinds.Service, KubernetesKinds.Pod, KubernetesKinds.Deployment, KubernetesKinds.ReplicaSet,
        KubernetesKinds.StatefulSet, KubernetesKinds.Job, KubernetesKinds.Role, KubernetesKinds.RoleBinding,
    ];

    /// <summary>Lists the objects in a namespace that are not ours.</summary>
    /// <param name="operations">The cluster.</param>
    /// <param name="namespace">The namespace.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>Each as <c>Kind/name</c>, sorted; empty when the namespace holds only ours.</returns>
    public static async Task<IReadOnlyList<string>> FindForeignAsync(KubernetesOperations operations, string @namespace, CancellationToken cancellationToken)
    {
        var objects = new List<(KubernetesKind Kind, JsonObject Object)>();
        foreach (var kind in s_kinds)
        {
            objects.AddRange((await operations.ListInNamespaceAsync(kind, @namespace, cancellationToken)).Select(o => (kind, o)));
        }

        var byUid = objects.Where(o => UidOf(o.Object) is not null).ToDictionary(o => UidOf(o.Object)!, o => o);
        var listedKinds = s_kinds.Select(k => (k.ApiVersion, k.Kind)).ToHashSet();

        bool IsOurs(KubernetesKind kind, JsonObject obj, int depth)
        {
            var metadata = obj["metadata"];
            if ((string?)metadata?["labels"]?[ManagedByLabel] == KubernetesOperations.FieldManager || IsKubernetesDefault(kind, (string?)metadata?["name"]))
            {
                return true;
            }

            var owners = metadata?["ownerReferences"]?.AsArray().Select(r => r!.AsObject()).ToList() ?? [];
            return depth < 5 && owners.Count > 0 && owners.All(r => byUid.TryGetValue((string?)r["uid"] ?? "", out var owner)
                ? IsOurs(owner.Kind, owner.Object, depth + 1)
                // An owner of a listed kind that is gone: the garbage collector is removing this object (our pods terminating).
                : listedKinds.Contains(((string?)r["apiVersion"] ?? "", (string?)r["kind"] ?? "")));
        }

        return [.. objects.Where(o => !IsOurs(o.Kind, o.Object, 0))
            .Select(o => $"{o.Kind.Kind}/{(string?)o.Object["metadata"]?["name"]}")
            .Order(StringComparer.Ordinal)];
    }

    // The serviceaccount controller and the root CA publisher create these in every namespace.
    private static bool IsKubernetesDefault(KubernetesKind kind, string? name) =>
        (kind == KubernetesKinds.ServiceAccount && name == "default") || (kind == KubernetesKinds.ConfigMap && name == "kube-root-ca.crt");

    private static string? UidOf(JsonObject obj) => (string?)obj["metadata"]?["uid"];
}
