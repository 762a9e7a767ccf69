using k8s;
using k8s.Models;

namespace VllmAspire.Hosting.Publishing;

/// <summary>
/// Google's custom-metrics-stackdriver-adapter as its production manifest deploys it (reference/gcp.md §5.3):
/// namespace, service account, RBAC, Deployment, Service and the three APIServices.
/// </summary>
public static class GoogleMetricsAdapterManifests
{
    /// <summary>The adapter's namespace.</summary>
    public const string Namespace = "custom-metrics";

    /// <summary>The adapter's name (service account, Deployment, Service).</summary>
    public const string Name = "custom-metrics-stackdriver-adapter";

    /// <summary>The adapter image.</summary>
    public const string Image = "gcr.io/gke-release/custom-metrics-stackdriver-adapter:v0.16.9-gke.0";

    /// <summary>Gets the HPA metric name for a Prometheus metric read through Managed Prometheus (gcp.md §5.4).</summary>
    /// <param name="metric">The Prometheus metric, e.g. <c>vllm:num_requests_waiting</c>.</param>
    /// <returns>The name, e.g. <c>prometheus.googleapis.com|vllm:num_requests_waiting|gauge</c>.</returns>
    public static string MetricName(string metric) =>
        TryParseMetricName(metric, out _, out _) ? metric : $"{ManagedPrometheusPrefix}|{metric}|{Kind(metric)}";

    /// <summary>Reads Google's HPA form <c>prometheus.googleapis.com|NAME|KIND</c> back into the Prometheus name and its kind.</summary>
    /// <param name="metric">An HPA metric name.</param>
    /// <param name="prometheusName">The Prometheus name inside it.</param>
    /// <param name="kind">The kind suffix (<c>gauge</c>, <c>counter</c>, ...).</param>
    /// <returns>Whether <paramref name="metric"/> is in Google's form.</returns>
    public static bool TryParseMetricName(string metric, out string prometheusName, out string kind)
    {
        var parts = (metric ?? string.Empty).Split('|');
        var ok = parts.Length == 3 && parts[0] == ManagedPrometheusPrefix && parts[1].Length > 0 && parts[2].Length > 0;
        prometheusName = ok ? parts[1] : metric ?? string.Empty;
        kind = ok ? parts[2] : string.Empty;
        return ok;
    }

    /// <summary>Gets the kind suffix Managed Prometheus gives a vLLM metric: counters end in <c>_total</c>, the HPA's others are gauges (gcp.md §5.4).</summary>
    /// <param name="prometheusName">The Prometheus name.</param>
    /// <returns>The suffix.</returns>
    public static string Kind(string prometheusName) => prometheusName.EndsWith("_total", StringComparison.Ordinal) ? "counter" : "gauge";

    private const string ManagedPrometheusPrefix = "prometheus.googleapis.com";

    /// <summary>Builds the adapter's objects.</summary>
    /// <param name="application">The application, for the part-of label.</param>
    /// <returns>The objects.</returns>
    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Build(string application)
    {
        var labels = KubernetesLabels.For(application, Name, "metrics-adapter");
        V1ObjectMeta Meta(string name, string? ns = null) => new() { Name = name, NamespaceProperty = ns, Labels = labels };
        var subject = new Rbacv1Subject { Kind = "ServiceAccount", Name = Name, NamespaceProperty = Namespace };

        yield return new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = Meta(Namespace) };
        yield return new V1ServiceAccount { ApiVersion = "v1", Kind = "ServiceAccount", Metadata = Meta(Name, Namespace) };
        yield return new V1ClusterRoleBinding
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRoleBinding", Metadata = Meta("custom-metrics:system:auth-delegator"),
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "system:auth-delegator" },
            Subjects = [subject],
        };
        yield return new V1RoleBinding
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "RoleBinding", Metadata = Meta("custom-metrics-auth-reader", "kube-system"),
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "extension-apiserver-authentication-reader" },
            Subjects = [subject],
        };
        yield return new V1ClusterRole
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRole", Metadata = Meta("custom-metrics-resource-reader"),
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["pods", "nodes", "nodes/stats"], Verbs = ["get", "list", "watch"] }],
        };
        yield return new V1ClusterRoleBinding
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRoleBinding", Metadata = Meta("custom-metrics-resource-reader"),
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "custom-metrics-resource-reader" },
            Subjects = [subject],
        };
        yield return new V1ClusterRole
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRole", Metadata = Meta("external-metrics-reader"),
            Rules = [new V1PolicyRule { ApiGroups = ["external.metrics.k8s.io"], Resources = ["*"], Verbs = ["list", "get", "watch"] }],
        };
        yield return new V1ClusterRoleBinding
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRoleBinding", Metadata = Meta("external-metrics-reader"),
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "external-metrics-reader" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "horizontal-pod-autoscaler", NamespaceProperty = "kube-system" }],
        };

        var podLabels = new Dictionary<string, string>(labels) { ["run"] = Name, ["k8s-app"] = Name };
        var resources = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("250m"), ["memory"] = new("200Mi") };
        yield return new V1Deployment
        {
            ApiVersion = "apps/v1", Kind = "Deployment", Metadata = Meta(Name, Namespace),
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["run"] = Name, ["k8s-app"] = Name } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = podLabels },
                    Spec = new V1PodSpec
                    {
                        ServiceAccountName = Name,
                        Containers =
                        [
                            new V1Container
                            {
                                Name = "pod-custom-metrics-stackdriver-adapter",
                                Image = Image,
                                ImagePullPolicy = "Always",
                                Command = ["/adapter", "--use-new-resource-model=true", "--fallback-for-container-metrics=true"],
                                Resources = new V1ResourceRequirements { Requests = resources, Limits = resources },
                                ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/healthz", Port = 443, Scheme = "HTTPS" } },
                            },
                        ],
                        Tolerations =
                        [
                            new V1Toleration { Key = "nvidia.com/gpu", OperatorProperty = "Equal", Value = "present", Effect = "NoSchedule" },
                            new V1Toleration { Key = "cloud.google.com/gke-tpu", OperatorProperty = "Equal", Value = "present", Effect = "NoSchedule" },
                        ],
                    },
                },
            },
        };
        yield return new V1Service
        {
            ApiVersion = "v1", Kind = "Service", Metadata = Meta(Name, Namespace),
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                Selector = new Dictionary<string, string> { ["run"] = Name, ["k8s-app"] = Name },
                Ports = [new V1ServicePort { Port = 443, Protocol = "TCP", TargetPort = 443 }],
            },
        };

        foreach (var (group, version, priority) in new[]
        {
            ("custom.metrics.k8s.io", "v1beta1", 100), ("custom.metrics.k8s.io", "v1beta2", 200), ("external.metrics.k8s.io", "v1beta1", 100),
        })
        {
            yield return new V1APIService
            {
                ApiVersion = "apiregistration.k8s.io/v1", Kind = "APIService", Metadata = Meta($"{version}.{group}"),
                Spec = new V1APIServiceSpec
                {
                    Group = group, Version = version, InsecureSkipTLSVerify = true, GroupPriorityMinimum = 100, VersionPriority = priority,
                    Service = new Apiregistrationv1ServiceReference { Name = Name, NamespaceProperty = Namespace },
                },
            };
        }
    }
}
