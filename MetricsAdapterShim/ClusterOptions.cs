namespace VllmAspire.MetricsAdapterShim;

/// <summary>The shim's in-cluster settings, configuration section <c>MetricsAdapter:Cluster</c>.</summary>
public sealed class ClusterOptions
{
    /// <summary>Gets or sets the shim's namespace (from the downward API in the published Deployment).</summary>
    public string Namespace { get; set; } = "vllm-aspire-metrics";

    /// <summary>Gets or sets the Service the APIServices point at; the serving certificate is issued for its DNS names.</summary>
    public string ServiceName { get; set; } = "vllm-aspire-metrics-adapter";

    /// <summary>Gets or sets the Secret (in <see cref="Namespace"/>) that holds the serving certificate all replicas share.</summary>
    public string CertificateSecret { get; set; } = "vllm-aspire-metrics-adapter-serving-cert";

    /// <summary>Gets or sets the APIServices whose <c>caBundle</c> the shim keeps equal to its serving certificate's CA.</summary>
    public List<string> ApiServices { get; set; } = [];

    /// <summary>Gets the APIServices used when none are configured.</summary>
    public static IReadOnlyList<string> DefaultApiServices { get; } = ["v1beta1.custom.metrics.k8s.io", "v1beta2.custom.metrics.k8s.io"];

    /// <summary>Gets or sets how long a SubjectAccessReview answer (allowed or denied) is reused, as the Go stack's 10 s default.</summary>
    public TimeSpan AuthorizationCacheTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long one SubjectAccessReview may take before the request fails closed.</summary>
    public TimeSpan AuthorizationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how often <c>kube-system/extension-apiserver-authentication</c> is read again (CA rotation).</summary>
    public TimeSpan AuthenticationConfigRefresh { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets how long a generated serving certificate is valid; it is replaced at start when less than a tenth remains.</summary>
    public TimeSpan CertificateValidity { get; set; } = TimeSpan.FromDays(365);
}
