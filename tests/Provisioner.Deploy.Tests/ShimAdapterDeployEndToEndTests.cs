using System.Text.Json.Nodes;
using VllmAspire.Provisioner.Stages.Kubernetes;

namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>
/// The real Provisioner executable deploying the published output of a model whose metrics adapter is our
/// MetricsAdapterShim (the GoldenShimAdapter manifests with the golden plan) against both fakes.
/// </summary>
public sealed class ShimAdapterDeployEndToEndTests
{
    // The shim's objects, as the fake API server stores them (namespaced ones include kube-system's RoleBinding).
    private static readonly (string Plural, string? Namespace, string Name)[] ShimObjects =
    [
        ("namespaces", null, "vllm-aspire-metrics"),
        ("serviceaccounts", "vllm-aspire-metrics", "vllm-aspire-metrics-adapter"),
        ("deployments", "vllm-aspire-metrics", "vllm-aspire-metrics-adapter"),
        ("poddisruptionbudgets", "vllm-aspire-metrics", "vllm-aspire-metrics-adapter"),
        ("services", "vllm-aspire-metrics", "vllm-aspire-metrics-adapter"),
        ("roles", "vllm-aspire-metrics", "vllm-aspire-metrics-adapter-serving-cert"),
        ("rolebindings", "vllm-aspire-metrics", "vllm-aspire-metrics-adapter-serving-cert"),
        ("rolebindings", "kube-system", "vllm-aspire-metrics-adapter-auth-reader"),
        ("clusterroles", null, "vllm-aspire-metrics-adapter"),
        ("clusterroles", null, "vllm-aspire-metrics-adapter:custom-metrics-reader"),
        ("clusterrolebindings", null, "vllm-aspire-metrics-adapter"),
        ("clusterrolebindings", null, "vllm-aspire-metrics-adapter:custom-metrics-reader"),
        ("clusterrolebindings", null, "vllm-aspire-metrics-adapter:system:auth-delegator"),
        ("apiservices", null, "v1beta1.custom.metrics.k8s.io"),
        ("apiservices", null, "v1beta2.custom.metrics.k8s.io"),
    ];

    [Fact]
    public async Task Deploy_applies_every_shim_object_waits_for_its_rollout_then_the_autoscaler_and_destroy_removes_only_them()
    {
        await using var deployment = await GcpDeployment.StartAsync(kubernetes: true, manifests: GcpDeployment.GoldenShimAdapterDirectory);
        var kubernetes = deployment.Kubernetes!;
        // Objects of others in the same places: kube-system, and cluster-scoped RBAC; destroy must leave them.
        kubernetes.Seed(JsonNode.Parse("""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"someone-elses-reader","namespace":"kube-system"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"extension-apiserver-authentication-reader"},"subjects":[{"kind":"ServiceAccount","name":"other","namespace":"other"}]}""")!.AsObject());
        kubernetes.Seed(JsonNode.Parse("""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"someone-elses-role"},"rules":[]}""")!.AsObject());

        var (exit, output) = await deployment.RunAsync("deploy");

        Assert.True(exit == 0, output);
        deployment.AssertConverged();
        Assert.All(ShimObjects, o => Assert.True(kubernetes.Get(o.Plural, o.Namespace, o.Name) is not null, $"{o} was not applied:\n{output}"));
        Assert.Null(kubernetes.Get("deployments", "custom-metrics", "custom-metrics-stackdriver-adapter"));
        Assert.Null(kubernetes.Get("apiservices", null, "v1beta1.external.metrics.k8s.io"));
        // No caBundle is published (the shim sets it at start), and nothing skips verification.
        Assert.All(["v1beta1.custom.metrics.k8s.io", "v1beta2.custom.metrics.k8s.io"], name =>
        {
            var spec = kubernetes.Get("apiservices", null, name)!["spec"]!;
            Assert.Null(spec["caBundle"]);
            Assert.NotEqual(true, (bool?)spec["insecureSkipTLSVerify"]);
        });
        // The metrics-adapter stage waited for both of the adapter's replicas.
        var adapter = kubernetes.Get("deployments", "vllm-aspire-metrics", "vllm-aspire-metrics-adapter")!;
        Assert.Equal(2, adapter["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(2, adapter["status"]?["readyReplicas"]?.GetValue<int>());
        var lines = output.Split('\n');
        int IndexOf(string stage, string state) => Array.FindIndex(lines, l => l.Contains($" {stage} {state}", StringComparison.Ordinal));
        var adapterDone = IndexOf(KubernetesStageFactory.MetricsAdapterStage, "Succeeded");
        Assert.True(adapterDone >= 0, output);
        Assert.True(adapterDone < IndexOf(KubernetesStageFactory.AutoscalerStage, "Running"), output);
        Assert.True(IndexOf(KubernetesStageFactory.AutoscalerStage, "Succeeded") >= 0, output);
        Assert.NotNull(kubernetes.Get("horizontalpodautoscalers", "vllm", "vllm"));

        deployment.Fake.ClearRequests();
        var kubernetesWrites = kubernetes.Writes.Count;
        (exit, output) = await deployment.RunAsync("deploy");
        Assert.True(exit == 0, output);
        Assert.Empty(deployment.Fake.Writes);
        Assert.Equal(kubernetesWrites, kubernetes.Writes.Count);
        Assert.True(output.Contains("0 created, 0 changed", StringComparison.Ordinal), output);

        (exit, output) = await deployment.RunAsync("destroy");

        Assert.True(exit == 0, output);
        Assert.All(ShimObjects.Where(o => o.Plural != "namespaces"), o => Assert.True(kubernetes.Get(o.Plural, o.Namespace, o.Name) is null, $"{o} is still there:\n{output}"));
        Assert.NotNull(kubernetes.Get("rolebindings", "kube-system", "someone-elses-reader"));
        Assert.NotNull(kubernetes.Get("clusterroles", null, "someone-elses-role"));
    }
}
