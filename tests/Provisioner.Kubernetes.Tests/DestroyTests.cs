using System.Text.Json.Nodes;
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
