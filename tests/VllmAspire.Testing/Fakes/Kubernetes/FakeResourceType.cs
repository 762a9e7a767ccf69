using k8s.Models;

namespace VllmAspire.Testing.Fakes.Kubernetes;

/// <summary>A resource type the fake API server serves.</summary>
/// <param name="Group">API group, empty for core.</param>
/// <param name="Version">Version.</param>
/// <param name="Plural">Resource name in URLs.</param>
/// <param name="Kind">Kind.</param>
/// <param name="Namespaced">Whether objects live in a namespace.</param>
/// <param name="Model">KubernetesClient model used for strict decoding, or <see langword="null"/> for a custom resource (checked against its CRD).</param>
/// <param name="Subresources">Subresources served, e.g. <c>status</c>, <c>log</c>.</param>
public sealed record FakeResourceType(string Group, string Version, string Plural, string Kind, bool Namespaced, Type? Model, params string[] Subresources)
{
    /// <summary>Gets the apiVersion objects of this type carry.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>Gets the group-qualified resource name as the API server writes it in messages, e.g. <c>deployments.apps</c>.</summary>
    public string QualifiedPlural => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>Gets every type the fake serves.</summary>
    public static IReadOnlyList<FakeResourceType> All { get; } =
    [
        new("", "v1", "namespaces", "Namespace", false, typeof(V1Namespace), "status"),
        new("", "v1", "serviceaccounts", "ServiceAccount", true, typeof(V1ServiceAccount)),
        new("", "v1", "persistentvolumes", "PersistentVolume", false, typeof(V1PersistentVolume), "status"),
        new("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, typeof(V1PersistentVolumeClaim), "status"),
        new("", "v1", "services", "Service", true, typeof(V1Service), "status"),
        new("", "v1", "pods", "Pod", true, typeof(V1Pod), "status", "log"),
        new("", "v1", "events", "Event", true, typeof(Corev1Event)),
        new("", "v1", "configmaps", "ConfigMap", true, typeof(V1ConfigMap)),
        new("", "v1", "secrets", "Secret", true, typeof(V1Secret)),
        new("batch", "v1", "jobs", "Job", true, typeof(V1Job), "status"),
        new("apps", "v1", "deployments", "Deployment", true, typeof(V1Deployment), "status"),
        new("apps", "v1", "replicasets", "ReplicaSet", true, typeof(V1ReplicaSet), "status"),
        new("apps", "v1", "statefulsets", "StatefulSet", true, typeof(V1StatefulSet), "status"),
        new("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, typeof(V1PodDisruptionBudget), "status"),
        new("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, typeof(V1ClusterRole)),
        new("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false, typeof(V1ClusterRoleBinding)),
        new("rbac.authorization.k8s.io", "v1", "roles", "Role", true, typeof(V1Role)),
        new("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", false, typeof(V1PriorityClass)),
        new("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, typeof(V1RoleBinding)),
        new("apiregistration.k8s.io", "v1", "apiservices", "APIService", false, typeof(V1APIService), "status"),
        new("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, typeof(V2HorizontalPodAutoscaler), "status"),
        new("monitoring.googleapis.com", "v1", "podmonitorings", "PodMonitoring", true, null, "status"),
    ];
}
