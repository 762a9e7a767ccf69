using k8s;
using k8s.Models;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Gke;

namespace VllmAspire.Hosting.Publishing;

/// <summary>
/// This project's MetricsAdapterShim in the cluster (reference/metrics.md §2): namespace, service account, RBAC,
/// a two-replica Deployment with a PodDisruptionBudget, its Service and the <c>custom.metrics.k8s.io</c>
/// APIServices. No certificate or key is published: the shim issues its serving certificate at start into a Secret
/// of its namespace (shared by the replicas) and sets the APIServices' <c>caBundle</c> itself, so the APIServices
/// here carry neither <c>caBundle</c> nor <c>insecureSkipTLSVerify</c>.
/// </summary>
public static class ShimMetricsAdapterManifests
{
    /// <summary>The adapter's namespace.</summary>
    public const string Namespace = "vllm-aspire-metrics";

    /// <summary>The adapter's name (service account, Deployment, Service, RBAC).</summary>
    public const string Name = "vllm-aspire-metrics-adapter";

    /// <summary>The image's repository name inside the <c>container-registry</c> parameter's registry.</summary>
    public const string ImageName = "vllm-aspire-metrics-adapter";

    /// <summary>The project that builds the image, relative to the repository root.</summary>
    public const string Project = "MetricsAdapterShim/MetricsAdapterShim.csproj";

    /// <summary>The Secret the shim keeps its serving certificate in.</summary>
    public const string CertificateSecret = "vllm-aspire-metrics-adapter-serving-cert";

    /// <summary>The HTTPS port the shim listens on (unprivileged, so the container runs as non-root).</summary>
    public const int ContainerPort = 6443;

    private const string Group = "custom.metrics.k8s.io";
    private static readonly string[] Versions = ["v1beta1", "v1beta2"];

    /// <summary>Gets the image reference in <paramref name="registry"/>, tagged with the app's version as the Provisioner's image is.</summary>
    /// <param name="registry">The <c>container-registry</c> parameter.</param>
    /// <returns>The reference, e.g. <c>us-central1-docker.pkg.dev/my-project/vllm/vllm-aspire-metrics-adapter:1.0.0</c>.</returns>
    public static string ImageReference(string registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return $"{registry.TrimEnd('/')}/{ImageName}:{ProvisionerContainerImage.Tag}";
    }

    /// <summary>Gets the HPA metric name our adapter serves: the Prometheus name as it is (it also accepts Google's form).</summary>
    /// <param name="metric">The Prometheus metric, e.g. <c>vllm:num_requests_waiting</c>.</param>
    /// <returns>The name.</returns>
    public static string MetricName(string metric) => metric;

    /// <summary>Adds the problems that stop our adapter from being published (a missing or malformed registry).</summary>
    /// <param name="environment">The GKE environment.</param>
    /// <param name="settings">Its parameters, resolved.</param>
    /// <param name="errors">Where problems go.</param>
    internal static void Validate(GkeEnvironmentResource environment, GkeSettings settings, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(errors);
        if (environment.MetricsAdapter != MetricsAdapterKind.VllmAspireShim)
        {
            return;
        }

        var registry = settings.ContainerRegistry;
        var name = registry.Name;
        if (!registry.HasValue)
        {
            errors.Add($"Parameter '{name}' is missing ({registry.Description}): MetricsAdapterKind.VllmAspireShim runs our adapter's image " +
                $"{ImageName} from it; {registry.HowToSet}, e.g. us-central1-docker.pkg.dev/PROJECT/REPO; or choose MetricsAdapterKind.GoogleStackdriver.");
        }
        else if (!ProvisionerContainerImage.IsRegistry(registry.Required))
        {
            errors.Add($"Parameter '{name}' = '{registry.Value}' is not a registry and repository path for our adapter's image {ImageName}: use REGION-docker.pkg.dev/PROJECT/REPO, e.g. us-central1-docker.pkg.dev/my-project/vllm.");
        }
    }

    /// <summary>Builds the adapter's objects for a validated model that chose our adapter.</summary>
    /// <param name="model">The publish model.</param>
    /// <returns>The objects, in apply order.</returns>
    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Build(GkePublishModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var registry = model.Settings.ContainerRegistry.Required;
        var metrics = model.Workloads.Where(w => w.Autoscaling is not null).Select(w => w.Autoscaling!.Metric).Distinct(StringComparer.Ordinal).ToList();
        return Build(model.Target.Namespace, ImageReference(registry), metrics);
    }

    /// <summary>Builds the adapter's objects.</summary>
    /// <param name="application">The application, for the part-of label.</param>
    /// <param name="image">The shim's image reference.</param>
    /// <param name="metrics">The metrics the shim serves (listed in discovery).</param>
    /// <returns>The objects, in apply order.</returns>
    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Build(string application, string image, IReadOnlyList<string> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var labels = KubernetesLabels.For(application, Name, "metrics-adapter");
        var selector = KubernetesLabels.Selector(application, Name);
        V1ObjectMeta Meta(string name, string? ns = null) => new() { Name = name, NamespaceProperty = ns, Labels = labels };
        V1RoleRef ClusterRole(string name) => new() { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = name };
        var subject = new Rbacv1Subject { Kind = "ServiceAccount", Name = Name, NamespaceProperty = Namespace };
        var apiServices = Versions.Select(v => $"{v}.{Group}").ToList();

        yield return new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = Meta(Namespace) };
        yield return new V1ServiceAccount { ApiVersion = "v1", Kind = "ServiceAccount", Metadata = Meta(Name, Namespace) };

        // Delegated authentication and authorization: TokenReview/SubjectAccessReview create, and the front proxy's
        // settings in kube-system/extension-apiserver-authentication (metrics.md §2.4).
        yield return new V1ClusterRoleBinding
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRoleBinding", Metadata = Meta($"{Name}:system:auth-delegator"),
            RoleRef = ClusterRole("system:auth-delegator"), Subjects = [subject],
        };
        yield return new V1RoleBinding
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "RoleBinding", Metadata = Meta($"{Name}-auth-reader", "kube-system"),
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "extension-apiserver-authentication-reader" },
            Subjects = [subject],
        };

        // Least privilege: list the pods to scrape; set caBundle on exactly our two APIServices.
        yield return new V1ClusterRole
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRole", Metadata = Meta(Name),
            Rules =
            [
                new V1PolicyRule { ApiGroups = [""], Resources = ["pods"], Verbs = ["get", "list", "watch"] },
                new V1PolicyRule { ApiGroups = ["apiregistration.k8s.io"], Resources = ["apiservices"], ResourceNames = apiServices, Verbs = ["get", "patch"] },
            ],
        };
        yield return new V1ClusterRoleBinding
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRoleBinding", Metadata = Meta(Name),
            RoleRef = ClusterRole(Name), Subjects = [subject],
        };

        // The serving certificate's Secret: create cannot be limited by name in RBAC; get/update only that one.
        yield return new V1Role
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "Role", Metadata = Meta($"{Name}-serving-cert", Namespace),
            Rules =
            [
                new V1PolicyRule { ApiGroups = [""], Resources = ["secrets"], Verbs = ["create"] },
                new V1PolicyRule { ApiGroups = [""], Resources = ["secrets"], ResourceNames = [CertificateSecret], Verbs = ["get", "update"] },
            ],
        };
        yield return new V1RoleBinding
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "RoleBinding", Metadata = Meta($"{Name}-serving-cert", Namespace),
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = $"{Name}-serving-cert" },
            Subjects = [subject],
        };

        // The HPA controller reads custom metrics (its bootstrap role already allows it; explicit, as adapters ship it).
        yield return new V1ClusterRole
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRole", Metadata = Meta($"{Name}:custom-metrics-reader"),
            Rules = [new V1PolicyRule { ApiGroups = [Group], Resources = ["*"], Verbs = ["get", "list"] }],
        };
        yield return new V1ClusterRoleBinding
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRoleBinding", Metadata = Meta($"{Name}:custom-metrics-reader"),
            RoleRef = ClusterRole($"{Name}:custom-metrics-reader"),
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "horizontal-pod-autoscaler", NamespaceProperty = "kube-system" }],
        };

        yield return Deployment(labels, selector, image, metrics);
        yield return new V1PodDisruptionBudget
        {
            ApiVersion = "policy/v1", Kind = "PodDisruptionBudget", Metadata = Meta(Name, Namespace),
            Spec = new V1PodDisruptionBudgetSpec { MinAvailable = 1, Selector = new V1LabelSelector { MatchLabels = selector } },
        };
        yield return new V1Service
        {
            ApiVersion = "v1", Kind = "Service", Metadata = Meta(Name, Namespace),
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                Selector = selector,
                Ports = [new V1ServicePort { Name = "https", Port = 443, TargetPort = "https", Protocol = "TCP" }],
            },
        };

        foreach (var version in Versions)
        {
            yield return new V1APIService
            {
                ApiVersion = "apiregistration.k8s.io/v1", Kind = "APIService", Metadata = Meta($"{version}.{Group}"),
                Spec = new V1APIServiceSpec
                {
                    // v1beta2 preferred, as prometheus-adapter and Google's adapter register it (metrics.md §1.1).
                    Group = Group, Version = version, GroupPriorityMinimum = 100, VersionPriority = version == "v1beta2" ? 200 : 100,
                    Service = new Apiregistrationv1ServiceReference { Name = Name, NamespaceProperty = Namespace, Port = 443 },
                },
            };
        }
    }

    private static V1Deployment Deployment(Dictionary<string, string> labels, Dictionary<string, string> selector, string image, IReadOnlyList<string> metrics)
    {
        var env = new List<V1EnvVar>
        {
            new() { Name = "ASPNETCORE_URLS", Value = $"https://+:{ContainerPort}" },
            new() { Name = "MetricsAdapter__Authentication", Value = "front-proxy" },
            new() { Name = "MetricsAdapter__PodSource", Value = "kubernetes" },
            new() { Name = "MetricsAdapter__MetricSource", Value = "scrape" },
            new() { Name = "MetricsAdapter__Cluster__Namespace", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.namespace" } } },
            new() { Name = "MetricsAdapter__Cluster__ServiceName", Value = Name },
            new() { Name = "MetricsAdapter__Cluster__CertificateSecret", Value = CertificateSecret },
            new() { Name = "MetricsAdapter__MetricsPort", Value = VllmResource.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        env.AddRange(metrics.Select((m, i) => new V1EnvVar { Name = $"MetricsAdapter__Metrics__{i}", Value = m }));
        var probe = (string path) => new V1Probe { HttpGet = new V1HTTPGetAction { Path = path, Port = "https", Scheme = "HTTPS" }, PeriodSeconds = 10, TimeoutSeconds = 3 };
        return new V1Deployment
        {
            ApiVersion = "apps/v1", Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = Name, NamespaceProperty = Namespace, Labels = labels },
            Spec = new V1DeploymentSpec
            {
                // Two replicas and a PDB: while no replica answers, every discovery client in the cluster fails (metrics.md §2.1).
                Replicas = 2,
                Selector = new V1LabelSelector { MatchLabels = selector },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec
                    {
                        ServiceAccountName = Name,
                        // 1654 is the .NET images' non-root "app" user; numeric, so the kubelet can verify runAsNonRoot.
                        SecurityContext = new V1PodSecurityContext { RunAsNonRoot = true, RunAsUser = 1654, RunAsGroup = 1654, SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" } },
                        TopologySpreadConstraints =
                        [
                            new V1TopologySpreadConstraint
                            {
                                MaxSkew = 1, TopologyKey = "kubernetes.io/hostname", WhenUnsatisfiable = "ScheduleAnyway",
                                LabelSelector = new V1LabelSelector { MatchLabels = selector },
                            },
                            new V1TopologySpreadConstraint
                            {
                                MaxSkew = 1, TopologyKey = "topology.kubernetes.io/zone", WhenUnsatisfiable = "ScheduleAnyway",
                                LabelSelector = new V1LabelSelector { MatchLabels = selector },
                            },
                        ],
                        Containers =
                        [
                            new V1Container
                            {
                                Name = "metrics-adapter",
                                Image = image,
                                Env = env,
                                Ports = [new V1ContainerPort { Name = "https", ContainerPort = ContainerPort, Protocol = "TCP" }],
                                ReadinessProbe = probe("/health"),
                                LivenessProbe = probe("/alive"),
                                Resources = new V1ResourceRequirements
                                {
                                    Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m"), ["memory"] = new("160Mi") },
                                    Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("320Mi") },
                                },
                                SecurityContext = new V1SecurityContext
                                {
                                    ReadOnlyRootFilesystem = true,
                                    AllowPrivilegeEscalation = false,
                                    Capabilities = new V1Capabilities { Drop = ["ALL"] },
                                },
                                VolumeMounts = [new V1VolumeMount { Name = "tmp", MountPath = "/tmp" }],
                            },
                        ],
                        // .NET writes to /tmp (diagnostics IPC socket); the root file system stays read-only.
                        Volumes = [new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() }],
                    },
                },
            },
        };
    }
}
