using VllmAspire.Provisioner.Stages;

namespace VllmAspire.Provisioner.Kubernetes.Tests;

public sealed class DeployTests
{
    [Fact]
    public async Task Deploy_FromNothing_AppliesEveryObjectWithOurFieldManager_ThenASecondPassWritesNothing()
    {
        await using var bed = await TestBed.StartAsync();

        var first = await bed.DeployAsync();

        Assert.All(first.Values, r => Assert.Equal(StageOutcome.Created, r.Outcome));
        foreach (var manifest in bed.Manifests.Objects)
        {
            var live = await bed.Operations.GetAsync(manifest.Kind, manifest.Namespace, manifest.Name, CancellationToken.None);
            Assert.NotNull(live);
            Assert.Contains(live["metadata"]!["managedFields"]!.AsArray(), m => (string?)m!["manager"] == "vllm-aspire");
        }

        var applies = bed.Fake.Writes.Where(w => w.Method == "PATCH").ToList();
        Assert.Equal(bed.Manifests.Objects.Count, applies.Count(a => a.StatusCode == 201));
        Assert.All(applies, a => Assert.Contains("fieldManager=vllm-aspire", a.Query, StringComparison.Ordinal));
        Assert.All(applies, a => Assert.Contains("force=true", a.Query, StringComparison.Ordinal));
        Assert.Equal("Bound", (string?)bed.Fake.Get("persistentvolumeclaims", "vllm", "gemma-7b-us-central1-a")!["status"]!["phase"]);
        Assert.Contains(((string?)bed.Fake.Get("jobs", "vllm", "gemma-7b-bake")!["status"]!["conditions"]![1]!["type"]), new[] { "Complete" });

        var writesBefore = bed.Fake.Writes.Count;
        var resourceVersion = bed.Fake.Get("deployments", "vllm", "vllm")!["metadata"]!["resourceVersion"]!.ToString();
        var second = await bed.DeployAsync();

        Assert.All(second.Values, r => Assert.Equal(StageOutcome.Unchanged, r.Outcome));
        Assert.Equal(writesBefore, bed.Fake.Writes.Count);
        Assert.Equal(resourceVersion, bed.Fake.Get("deployments", "vllm", "vllm")!["metadata"]!["resourceVersion"]!.ToString());
    }

    [Fact]
    public async Task DryRun_ReportsWhatWouldChange_AndWritesNothing()
    {
        await using var bed = await TestBed.StartAsync();

        var fromNothing = await bed.DeployAsync(dryRun: true);

        Assert.Empty(bed.Fake.Writes);
        Assert.Equal(StageOutcome.Created, fromNothing["workload-vllm"].Outcome);
        Assert.Contains("would create kubernetes/Deployment/vllm/vllm", fromNothing["workload-vllm"].Message, StringComparison.Ordinal);

        await bed.DeployAsync();
        var deployment = (k8s.Models.V1Deployment)bed.Manifests.Objects.Single(o => o.Key == "kubernetes/Deployment/vllm/vllm").Object;
        deployment.Spec.Template.Spec.Containers[0].Image = "vllm/vllm-openai:v0.10.2";
        var writes = bed.Fake.Writes.Count;

        var update = await bed.Stage("workload-vllm").ReconcileAsync(bed.Context(dryRun: true), CancellationToken.None);

        Assert.Equal(writes, bed.Fake.Writes.Count);
        Assert.Equal(StageOutcome.Changed, update.Outcome);
        Assert.Contains("would change kubernetes/Deployment/vllm/vllm (.spec.template.spec.containers[0].image)", update.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_WithTwentyPercentTransientFaults_Converges_WithEachObjectCreatedOnce()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Fake.Faults.TransientRate = 0.2;

        var results = await bed.DeployAsync();

        Assert.True(bed.Fake.Faults.TransientInjected > 0);
        Assert.All(results.Values, r => Assert.Equal(StageOutcome.Created, r.Outcome));
        bed.Fake.Faults.TransientRate = 0;
        foreach (var manifest in bed.Manifests.Objects)
        {
            Assert.NotNull(await bed.Operations.GetAsync(manifest.Kind, manifest.Namespace, manifest.Name, CancellationToken.None));
        }

        // One vLLM pod (the Deployment was applied once, so no second rollout), each object stored at generation 1.
        var pods = bed.Fake.Store.List(Testing.Fakes.Kubernetes.FakeResourceType.All.Single(t => t.Plural == "pods"), "vllm");
        Assert.Single(pods);
        Assert.Equal(1, (int)bed.Fake.Get("deployments", "vllm", "vllm")!["metadata"]!["generation"]!);
    }

    [Fact]
    public async Task PermanentError_StopsTheStage_NamingTheObjectTheStatusAndTheFix()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Fake.Faults.Permanent["deployments/vllm/vllm"] = 403;
        await bed.ReconcileAsync("kubernetes-base", "weights-volumes-gemma-7b");

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => bed.Stage("workload-vllm").ReconcileAsync(bed.Context(), CancellationToken.None));

        Assert.Equal("kubernetes/Deployment/vllm/vllm", error.Resource);
        Assert.Contains("403 Forbidden (Forbidden)", error.Reason, StringComparison.Ordinal);
        Assert.Contains("cannot get resource \"deployments\"", error.Reason, StringComparison.Ordinal);
        Assert.Contains("RBAC", error.Fix, StringComparison.Ordinal);

        bed.Fake.Faults.Permanent["deployments/vllm/vllm"] = 422;
        var invalid = await Assert.ThrowsAsync<ProvisioningException>(() => bed.Stage("workload-vllm").ReconcileAsync(bed.Context(), CancellationToken.None));
        Assert.Contains("422 UnprocessableEntity (Invalid)", invalid.Reason, StringComparison.Ordinal);
        Assert.Contains("Deployment.apps \"vllm\" is invalid", invalid.Reason, StringComparison.Ordinal);
    }
}
