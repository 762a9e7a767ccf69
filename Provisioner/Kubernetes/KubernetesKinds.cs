using k8s.Models;

namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>The kinds the published manifests use, plus the ones the provisioner reads (pods, events).</summary>
internal static class KubernetesKinds
{
    /// <summary>Gets the namespace kind.</summary>
    public static KubernetesKind Namespace { get; } = new("Namespace", "", "v1", "namespaces", false, typeof(V1Namespace));

    /// <summary>Gets the service account kind.</summary>
    public static KubernetesKind ServiceAccount { get; } = new("ServiceAccount", "", "v1", "serviceaccounts", true, typeof(V1ServiceAccount));

    /// <summary>Gets the persistent volume kind.</summary>
    public static KubernetesKind PersistentVolume { get; } = new("PersistentVolume", "", "v1", "persistentvolumes", false, typeof(V1PersistentVolume));

    /// <summary>Gets the persistent volume claim kind.</summary>
    public static KubernetesKind PersistentVolumeClaim { get; } = new("PersistentVolumeClaim", "", "v1", "persistentvolumeclaims", true, typeof(V1PersistentVolumeClaim));

    /// <summary>Gets the service kind.</summary>
    public static KubernetesKind Service { get; } = new("Service", "", "v1", "services", true, typeof(V1Service));

    /// <summary>Gets the pod kind (read only: pods come from Deployments and Jobs).</summary>
    public static KubernetesKind Pod { get; } = new("Pod", "", "v1", "pods", true, typeof(V1Pod));

    /// <summary>Gets the event kind (read only, for the start-up report).</summary>
    public static KubernetesKind Event { get; } = new("Event", "", "v1", "events", true, typeof(Corev1Event));

    /// <summary>Gets the secret kind (read only: looked for in our namespaces before deleting them).</summary>
    public static KubernetesKind Secret { get; } = new("Secret", "", "v1", "secrets", true, typeof(V1Secret));

    /// <summary>Gets the config map kind (read only: looked for in our namespaces before deleting them).</summary>
    public static KubernetesKind ConfigMap { get; } = new("ConfigMap", "", "v1", "configmaps", true, typeof(V1ConfigMap));

    /// <summary>Gets the replica set kind (read only: links a Deployment's pods to it).</summary>
    public static KubernetesKind ReplicaSet { get; } = new("ReplicaSet", "apps", "v1", "replicasets", true, typeof(V1ReplicaSet));

    /// <summary>Gets the stateful set kind (read only: looked for in our namespaces before deleting them).</summary>
    public static KubernetesKind StatefulSet { get; } = new("StatefulSet", "apps", "v1", "statefulsets", true, typeof(V1StatefulSet));

    /// <summary>Gets the job kind.</summary>
    public static KubernetesKind Job { get; } = new("Job", "batch", "v1", "jobs", true, typeof(V1Job));

    /// <summary>Gets the deployment kind.</summary>
    public static KubernetesKind Deployment { get; } = new("Deployment", "apps", "v1", "deployments", true, typeof(V1Deployment));

    /// <summary>Gets the pod disruption budget kind (our metrics adapter keeps one replica through node drains).</summary>
    public static KubernetesKind PodDisruptionBudget { get; } = new("PodDisruptionBudget", "policy", "v1", "poddisruptionbudgets", true, typeof(V1PodDisruptionBudget));

    /// <summary>Gets the cluster role kind.</summary>
    public static KubernetesKind ClusterRole { get; } = new("ClusterRole", "rbac.authorization.k8s.io", "v1", "clusterroles", false, typeof(V1ClusterRole));

    /// <summary>Gets the cluster role binding kind.</summary>
    public static KubernetesKind ClusterRoleBinding { get; } = new("ClusterRoleBinding", "rbac.authorization.k8s.io", "v1", "clusterrolebindings", false, typeof(V1ClusterRoleBinding));

    /// <summary>Gets the priority class kind (the standby placeholders' negative priority).</summary>
    public static KubernetesKind PriorityClass { get; } = new("PriorityClass", "scheduling.k8s.io", "v1", "priorityclasses", false, typeof(V1PriorityClass));

    /// <summary>Gets the role kind.</summary>
    public static KubernetesKind Role { get; } = new("Role", "rbac.authorization.k8s.io", "v1", "roles", true, typeof(V1Role));

    /// <summary>Gets the role binding kind.</summary>
    public static KubernetesKind RoleBinding { get; } = new("RoleBinding", "rbac.authorization.k8s.io", "v1", "rolebindings", true, typeof(V1RoleBinding));

    /// <summary>Gets the API service kind (aggregated API registration).</summary>
    public static KubernetesKind ApiService { get; } = new("APIService", "apiregistration.k8s.io", "v1", "apiservices", false, typeof(V1APIService));

    /// <summary>Gets the horizontal pod autoscaler kind.</summary>
    public static KubernetesKind HorizontalPodAutoscaler { get; } = new("HorizontalPodAutoscaler", "autoscaling", "v2", "horizontalpodautoscalers", true, typeof(V2HorizontalPodAutoscaler));

    /// <summary>Gets Google Managed Prometheus's PodMonitoring custom resource.</summary>
    public static KubernetesKind PodMonitoring { get; } = new("PodMonitoring", "monitoring.googleapis.com", "v1", "podmonitorings", true, typeof(V1PodMonitoring));

    /// <summary>Gets every kind, in the order objects are applied (what others refer to first).</summary>
    public static IReadOnlyList<KubernetesKind> All { get; } =
    [
        Namespace, ServiceAccount, ClusterRole, ClusterRoleBinding, Role, RoleBinding, PriorityClass, PersistentVolume, PersistentVolumeClaim,
        Job, Deployment, PodDisruptionBudget, Service, PodMonitoring, ApiService, HorizontalPodAutoscaler, Pod, Event,
        Secret, ConfigMap, ReplicaSet, StatefulSet,
    ];

    /// <summary>Gets the kind for an object's <c>apiVersion</c> and <c>kind</c>.</summary>
    /// <param name="apiVersion">The object's <c>apiVersion</c>.</param>
    /// <param name="kind">The object's <c>kind</c>.</param>
    /// <returns>The kind, or <see langword="null"/> when the provisioner does not handle it.</returns>
    public static KubernetesKind? Find(string? apiVersion, string? kind) =>
        All.FirstOrDefault(k => k.ApiVersion == apiVersion && k.Kind == kind);

    /// <summary>Gets the position of a kind in the apply order.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>Its index in <see cref="All"/>.</returns>
    public static int ApplyOrder(KubernetesKind kind) => All.ToList().IndexOf(kind);
}
