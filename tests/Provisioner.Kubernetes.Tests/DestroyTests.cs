using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using VllmAspire.Provisioner.Stages;

namespace VllmAspire.Provisioner.Kubernetes.Tests;

public sealed class DestroyTests
{
    [Fact]
    public async Task Destroy_DeletesOnlyOurLabelledObjects_AndARerunFindsNothing()
    {
        await using var bed = await TestBed.StartAsync();
        await bed.DeployAsync();
        bed.Fake.Seed(JsonNode.Parse("""{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"someone-else","namespace":"default"}}""")!.AsObject());
        bed.Fake.Seed(JsonNode.Parse("""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"viewer","labels":{"app.kubernetes.io/part-of":"vllm"}},"rules":[]}""")!.AsObject());
        bed.Fake.Seed(JsonNode.Parse("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","labels":{"app.kubernetes.io/managed-by":"helm","app.kubernetes.io/component":"inference-server"}},"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx"}]}}}}""")!.AsObject());

        var results = await bed.DestroyAsync();

        Assert.All(results.Values, r => Assert.Equal(StageOutcome.Deleted, r.Outcome));
        foreach (var manifest in bed.Manifests.Objects)
        {
            Assert.Null(await bed.Operations.GetAsync(manifest.Kind, manifest.Namespace, manifest.Name, CancellationToken.None));
        }

        Assert.NotNull(bed.Fake.Get("serviceaccounts", "default", "someone-else"));
        Assert.NotNull(bed.Fake.Get("clusterroles", null, "viewer"));
        Assert.NotNull(bed.Fake.Get("deployments", "default", "web"));
        Assert.NotNull(bed.Fake.Get("namespaces", null, "kube-system"));
        Assert.Contains(bed.Fake.Writes, w => w.Method == "DELETE" && w.Path.EndsWith("/namespaces/vllm", StringComparison.Ordinal) && w.Query.Contains("propagationPolicy=Background", StringComparison.Ordinal));

        var writes = bed.Fake.Writes.Count;
        var again = await bed.DestroyAsync();

        Assert.All(again.Values, r => Assert.Equal(StageOutcome.Unchanged, r.Outcome));
        Assert.Equal(writes, bed.Fake.Writes.Count);
    }

    [Fact]
    public async Task Destroy_KeepsOurNamespace_WhenItHoldsTheUsersSecret_AndARerunChangesNothing()
    {
        await using var bed = await TestBed.StartAsync();
        await bed.DeployAsync();
        // As `kubectl create secret generic hf-token -n vllm`: the token the vLLM Deployment reads is the user's, not ours.
        await bed.Client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = "hf-token" }, Data = new Dictionary<string, byte[]> { ["token"] = "hf_x"u8.ToArray() } }, "vllm");

        var dryRun = await bed.DestroyAsync(dryRun: true);

        var dryRunBase = Assert.Single(dryRun.Values, r => r.Message?.Contains("namespace vllm", StringComparison.Ordinal) == true);
        Assert.Contains("would keep namespace vllm: it holds objects that are not ours: Secret/hf-token", dryRunBase.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("kubernetes/Namespace/vllm", dryRunBase.Objects);

        var results = await bed.DestroyAsync();

        Assert.NotNull(bed.Fake.Get("secrets", "vllm", "hf-token"));
        Assert.NotNull(bed.Fake.Get("namespaces", null, "vllm"));
        var kept = Assert.Single(results.Values, r => r.Message?.Contains("namespace vllm", StringComparison.Ordinal) == true);
        Assert.Contains("kept namespace vllm: it holds objects that are not ours: Secret/hf-token", kept.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(bed.Fake.Writes, w => w.Method == "DELETE" && w.Path.EndsWith("/namespaces/vllm", StringComparison.Ordinal));
        foreach (var manifest in bed.Manifests.Objects.Where(o => !(o.Kind == KubernetesKinds.Namespace && o.Name == "vllm")))
        {
            Assert.Null(await bed.Operations.GetAsync(manifest.Kind, manifest.Namespace, manifest.Name, CancellationToken.None));
        }

        var writes = bed.Fake.Writes.Count;
        var again = await bed.DestroyAsync();

        Assert.All(again.Values, r => Assert.Equal(StageOutcome.Unchanged, r.Outcome));
        Assert.Contains(again.Values, r => r.Message == "nothing to delete; kept namespace vllm: it holds objects that are not ours: Secret/hf-token");
        Assert.Equal(writes, bed.Fake.Writes.Count);
        Assert.NotNull(bed.Fake.Get("secrets", "vllm", "hf-token"));
    }

    [Fact]
    public async Task Destroy_DeletesOurNamespace_WhenItHoldsOnlyOursAndWhatKubernetesPutsThere()
    {
        await using var bed = await TestBed.StartAsync();
        await bed.DeployAsync();
        // The fake, as the controllers, put these in every new namespace; they are not the user's.
        Assert.NotNull(bed.Fake.Get("serviceaccounts", "vllm", "default"));
        Assert.NotNull(bed.Fake.Get("configmaps", "vllm", "kube-root-ca.crt"));
        Assert.NotEmpty(await bed.Operations.ListInNamespaceAsync(KubernetesKinds.Pod, "vllm", CancellationToken.None));

        var results = await bed.DestroyAsync();

        Assert.DoesNotContain(results.Values, r => r.Message?.Contains("kept namespace", StringComparison.Ordinal) == true);
        Assert.Null(bed.Fake.Get("namespaces", null, "vllm"));
        Assert.Null(bed.Fake.Get("configmaps", "vllm", "kube-root-ca.crt"));
    }

    [Fact]
    public async Task FakeApi_CreatesBySecretPost_AndAnswersAlreadyExists()
    {
        await using var bed = await TestBed.StartAsync();
        var secret = new V1Secret { Metadata = new V1ObjectMeta { Name = "hf-token" }, Data = new Dictionary<string, byte[]> { ["token"] = "hf_x"u8.ToArray() } };
        await bed.Client.CoreV1.CreateNamespacedSecretAsync(secret, "default");

        var conflict = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => bed.Client.CoreV1.CreateNamespacedSecretAsync(secret, "default"));

        Assert.Equal(System.Net.HttpStatusCode.Conflict, conflict.Response.StatusCode);
        Assert.Equal("secrets \"hf-token\" already exists", (string?)JsonNode.Parse(conflict.Response.Content)?["message"]);
        Assert.Equal("aGZfeA==", (string?)bed.Fake.Get("secrets", "default", "hf-token")?["data"]?["token"]);
    }

    [Fact]
    public async Task Destroy_LeavesAnUnlabelledObjectWithOurName()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Fake.Seed(JsonNode.Parse("""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"external-metrics-reader"},"rules":[]}""")!.AsObject());

        var result = await bed.Stage("kubernetes-base").DestroyAsync(bed.Context(), CancellationToken.None);

        Assert.Equal(StageOutcome.Unchanged, result.Outcome);
        Assert.NotNull(bed.Fake.Get("clusterroles", null, "external-metrics-reader"));
        Assert.Empty(bed.Fake.Writes);
    }

    [Fact]
    public async Task DestroyDryRun_ListsWhatWouldGo_AndDeletesNothing()
    {
        await using var bed = await TestBed.StartAsync();
        await bed.DeployAsync();
        var writes = bed.Fake.Writes.Count;

        var results = await bed.DestroyAsync(dryRun: true);

        Assert.Equal(writes, bed.Fake.Writes.Count);
        Assert.Equal(StageOutcome.Deleted, results["workload-vllm"].Outcome);
        Assert.Equal(
            "dry run: would delete kubernetes/PodMonitoring/vllm/vllm, kubernetes/Service/vllm/vllm, kubernetes/Deployment/vllm/vllm",
            results["workload-vllm"].Message);
        Assert.NotNull(bed.Fake.Get("deployments", "vllm", "vllm"));
    }
}
