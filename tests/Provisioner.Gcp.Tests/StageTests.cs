using System.Text.Json.Nodes;
using VllmAspire.Provisioner.Gcp.Compute;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Provisioner.Stages.Gcp;
using VllmAspire.Testing.Fakes.Gcp;

namespace VllmAspire.Provisioner.Gcp.Tests;

/// <summary>The GCP stages built from the AppHost's published plan, run against the fakes.</summary>
public sealed class StageTests
{
    private const string Zone = $"projects/{GcpTestbed.Project}/zones/{GcpTestbed.Zone}";
    private const string Images = $"projects/{GcpTestbed.Project}/global/images";

    // The weights steps and what they create are named by the weights version (gemma-7b-<version>-bake-disk, …):
    // read them from the golden plan rather than spelling a version that changes with the weights source.
    private static readonly Contracts.Plan.GkePlan Golden = GcpTestbedPlan();
    private static readonly string BakeDiskStep = WeightsStep("-bake-disk");
    private static readonly string WeightsImageStep = WeightsStep("-image");
    private static readonly string WeightsDiskStep = WeightsStep($"-disk-{GcpTestbed.Zone}");
    private static readonly string BakeDisk = CreatedName(BakeDiskStep);

    private static readonly string[] PlannedDisks = [$"{Zone}/disks/{BakeDisk}", $"{Zone}/disks/{CreatedName(WeightsDiskStep)}"];
    private static readonly string[] PlannedImages = [$"{Images}/{CreatedName(WeightsImageStep)}", $"{Images}/gke-image-cache"];
    private static readonly string[] PlannedPools = [$"{GcpTestbed.Cluster}/nodePools/{GcpTestbed.ReadPlan("Golden").Steps.Single(s => s.Id == "node-pool-vllm-pool").Body!["nodePool"]!["name"]}"];

    // disks: cache, bake, weights; VM insert and delete; two images; cache disk delete.
    private const int ComputeOperationsOfADeploy = 8;

    [Fact]
    public void Factory_GroupsTheBuilderDiskAndImage_AndKeepsPlanDependencies()
    {
        var plan = GcpTestbedPlan();

        var stages = GcpStageFactory.Create(plan);

        Assert.Equal(["image-cache", "node-pool-vllm-pool", "project-iam", BakeDiskStep, WeightsImageStep, WeightsDiskStep], stages.Select(s => s.Name));
        var cache = stages[0];
        Assert.Equal(["image-cache-disk", "image-cache-builder", "image-cache-image"], cache.Provides);
        // The builder VM pulls the sidecar's image, which deploy builds and pushes first.
        Assert.Equal([plan.ContainerImages.Single().Reference], cache.DependsOn);
        Assert.Equal(["image-cache-image"], stages.Single(s => s.Name == "node-pool-vllm-pool").DependsOn);
        // Publish names the bake Job as its disk (<weights>-<version>-bake); the image waits for both.
        Assert.Equal([BakeDiskStep, "project-iam", $"kubernetes/Job/vllm/{BakeDisk}"], stages.Single(s => s.Name == WeightsImageStep).DependsOn);
        Assert.Equal([WeightsImageStep], stages.Single(s => s.Name == WeightsDiskStep).DependsOn);
    }

    [Fact]
    public async Task Deploy_FromNothing_CreatesExactlyThePlannedResources_ThenASecondPassChangesNothing()
    {
        await using var bed = await GcpTestbed.StartAsync();

        var first = await bed.DeployAsync();

        Assert.All(first.Values, r => Assert.NotEqual(StageOutcome.Unchanged, r.Outcome));
        Assert.Equal(PlannedDisks, bed.Fake.Compute.Disks);
        Assert.Equal(PlannedImages, bed.Fake.Compute.Images);
        Assert.Empty(bed.Fake.Compute.Instances);
        Assert.Equal(PlannedPools, bed.Fake.Container.NodePools);
        Assert.Equal(ComputeOperationsOfADeploy, bed.Fake.Compute.OperationCount);
        var pool = bed.Fake.Container.Find(PlannedPools[0])!;
        Assert.Equal("RUNNING", (string?)pool["status"]);
        Assert.Equal("CONTAINER_IMAGE_CACHE", (string?)pool["config"]!["secondaryBootDisks"]![0]!["mode"]);
        Assert.True((bool)pool["config"]!["gcfsConfig"]!["enabled"]!);
        Assert.Equal("READY", (string?)bed.Fake.Compute.Find(PlannedDisks[1])!["status"]);
        Assert.Empty(bed.Fake.InvalidRequests);

        bed.Fake.ClearRequests();
        var second = await bed.DeployAsync();

        Assert.All(second.Values, r => Assert.Equal(StageOutcome.Unchanged, r.Outcome));
        Assert.Empty(bed.Fake.Writes);
        Assert.Equal(ComputeOperationsOfADeploy, bed.Fake.Compute.OperationCount);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Deploy_With20PercentTransientFaults_Converges_WithNoDuplicates(int seed)
    {
        await using var bed = await GcpTestbed.StartAsync();
        bed.Fake.Faults.Seed(seed);
        bed.Fake.Faults.TransientRate = 0.2;

        // Besides the dice, the first answer of every kind of write is lost after the work is done.
        string[] writes = ["compute.disks.insert", "compute.instances.insert", "compute.instances.delete", "compute.images.insert", "compute.disks.delete", "container.projects.locations.clusters.nodePools.create", "cloudresourcemanager.projects.setIamPolicy"];
        foreach (var write in writes)
        {
            bed.Fake.Faults.LoseAnswers(write);
        }

        await bed.DeployAsync();

        Assert.All(writes, w => Assert.Contains(bed.Fake.Requests, r => r.MethodId == w && r.InjectedFault));
        Assert.Equal(PlannedDisks, bed.Fake.Compute.Disks);
        Assert.Equal(PlannedImages, bed.Fake.Compute.Images);
        Assert.Empty(bed.Fake.Compute.Instances);
        Assert.Equal(PlannedPools, bed.Fake.Container.NodePools);
        Assert.Equal(ComputeOperationsOfADeploy, bed.Fake.Compute.OperationCount);
        var policy = bed.Fake.ResourceManager.Policy(GcpTestbed.Project);
        Assert.Equal(2, ((JsonArray)policy["bindings"]!).Count);
        Assert.All((JsonArray)policy["bindings"]!, b => Assert.Single((JsonArray)b!["members"]!));
        Assert.Empty(bed.Fake.InvalidRequests);

        bed.Fake.Faults.TransientRate = 0;
        bed.Fake.ClearRequests();
        Assert.All((await bed.DeployAsync()).Values, r => Assert.Equal(StageOutcome.Unchanged, r.Outcome));
        Assert.Empty(bed.Fake.Writes);
    }

    [Fact]
    public async Task ImageCache_OnSuccess_ReadsTheSerialPort_DeletesTheVmBeforeImaging_AndTheDiskAfter()
    {
        await using var bed = await GcpTestbed.StartAsync();

        // The builder finishes only once the stage has read its serial port, so the stage must read on from where it was.
        bed.Fake.Compute.BuilderDuration = TimeSpan.FromDays(1);
        var reconcile = bed.Stage("image-cache").ReconcileAsync(bed.Context(), CancellationToken.None);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!bed.Fake.Requests.Any(r => r.MethodId == "compute.instances.getSerialPortOutput" && r.StatusCode == 200) && !reconcile.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        bed.Fake.Compute.BuilderDuration = TimeSpan.Zero;
        var result = await reconcile;

        Assert.Equal(StageOutcome.Created, result.Outcome);
        Assert.Equal([$"{Images}/gke-image-cache"], bed.Fake.Compute.Images);
        Assert.Empty(bed.Fake.Compute.Instances);
        Assert.Empty(bed.Fake.Compute.Disks);
        var methods = bed.Fake.Requests.Where(r => r.StatusCode == 200).Select(r => r.MethodId).ToList();
        Assert.Contains("compute.instances.getSerialPortOutput", methods);
        Assert.True(methods.IndexOf("compute.instances.delete") < methods.IndexOf("compute.images.insert"));
        Assert.True(methods.IndexOf("compute.images.insert") < methods.IndexOf("compute.disks.delete"));
        var serialReads = bed.Fake.Requests.Where(r => r.MethodId == "compute.instances.getSerialPortOutput").Select(r => r.Url).ToList();
        Assert.Contains(serialReads, u => !u.EndsWith("start=0", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(BuilderScriptOutcome.Failure, "image cache failed")]
    [InlineData(BuilderScriptOutcome.Silent, "BuilderTimeout")]
    public async Task ImageCache_OnFailureOrTimeout_DeletesTheVmAndDisk_AndSaysWhy(BuilderScriptOutcome outcome, string expected)
    {
        await using var bed = await GcpTestbed.StartAsync();
        bed.Fake.Compute.BuilderOutcome = outcome;
        if (outcome == BuilderScriptOutcome.Silent)
        {
            // Only the silent builder is meant to time out; the failing one keeps the bed's timeout, well past its line.
            bed.StageOptions.BuilderTimeout = TimeSpan.FromMilliseconds(500);
        }

        var ex = await Assert.ThrowsAsync<ProvisioningException>(() => bed.Stage("image-cache").ReconcileAsync(bed.Context(), CancellationToken.None));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal($"{Zone}/instances/gke-image-cache-builder", ex.Resource);
        Assert.Empty(bed.Fake.Compute.Instances);
        Assert.Empty(bed.Fake.Compute.Disks);
        Assert.Empty(bed.Fake.Compute.Images);
    }

    [Fact]
    public async Task ImageCache_LeftoverVmAndDiskOfACrashedRun_AreDeletedOnRerun_ThenTheImageIsBuilt()
    {
        await using var bed = await GcpTestbed.StartAsync();
        bed.Fake.Compute.BuilderOutcome = BuilderScriptOutcome.Silent;

        // The crashed run: disk and VM created with the plan's requests, then the process died while watching the serial port.
        foreach (var id in new[] { "image-cache-disk", "image-cache-builder" })
        {
            var step = bed.Plan.Steps.Single(s => s.Id == id);
            var relative = step.Url["https://compute.googleapis.com/compute/v1/".Length..];
            var operation = await bed.Compute.InsertAsync(relative, step.Body!, id, CancellationToken.None);
            await bed.Compute.WaitAsync(GcpTestbed.Project, operation, id, null, CancellationToken.None);
        }

        Assert.Single(bed.Fake.Compute.Instances);
        bed.Fake.Compute.BuilderOutcome = BuilderScriptOutcome.Success;

        var result = await bed.Stage("image-cache").ReconcileAsync(bed.Context(), CancellationToken.None);

        Assert.Equal(StageOutcome.Created, result.Outcome);
        Assert.Equal([$"{Images}/gke-image-cache"], bed.Fake.Compute.Images);
        Assert.Empty(bed.Fake.Compute.Instances);
        Assert.Empty(bed.Fake.Compute.Disks);
        Assert.Equal(2, bed.Fake.Requests.Count(r => r.MethodId == "compute.instances.delete" && r.StatusCode == 200));
        Assert.Contains(bed.Progress, p => p.Message.Contains("requestId was used before", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ImageCache_ImageExistsButTheCacheDiskWasLeftBehind_OnlyTheDiskIsDeleted()
    {
        await using var bed = await GcpTestbed.StartAsync();
        await bed.Stage("image-cache").ReconcileAsync(bed.Context(), CancellationToken.None);
        bed.Fake.Compute.AddDisk(GcpTestbed.Project, GcpTestbed.Zone, "gke-image-cache-disk", GcpTestbed.CacheLabels);
        bed.Fake.ClearRequests();

        var result = await bed.Stage("image-cache").ReconcileAsync(bed.Context(), CancellationToken.None);

        Assert.Equal(StageOutcome.Deleted, result.Outcome);
        Assert.Empty(bed.Fake.Compute.Disks);
        Assert.Equal([$"{Images}/gke-image-cache"], bed.Fake.Compute.Images);
        Assert.Equal(["compute.disks.delete"], bed.Fake.Writes.Select(w => w.MethodId));
    }

    [Fact]
    public async Task ImageCache_Cancelled_WhileWatchingTheSerialPort_StillDeletesTheVmAndDisk()
    {
        await using var bed = await GcpTestbed.StartAsync();
        bed.Fake.Compute.BuilderOutcome = BuilderScriptOutcome.Silent;
        using var cancel = new CancellationTokenSource();
        bed.Fake.Faults.OnRequest("compute.instances.getSerialPortOutput", _ =>
        {
            cancel.Cancel();
            return Task.CompletedTask;
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => bed.Stage("image-cache").ReconcileAsync(bed.Context(), cancel.Token));

        Assert.Empty(bed.Fake.Compute.Instances);
        Assert.Empty(bed.Fake.Compute.Disks);
    }

    [Fact]
    public async Task WeightsImage_WaitsUntilTheBakeDiskIsDetached()
    {
        await using var bed = await GcpTestbed.StartAsync();
        await bed.Stage(BakeDiskStep).ReconcileAsync(bed.Context(), CancellationToken.None);
        var vm = new JsonObject
        {
            ["name"] = "bake-node",
            ["machineType"] = $"zones/{GcpTestbed.Zone}/machineTypes/e2-standard-4",
            ["disks"] = new JsonArray(new JsonObject { ["boot"] = false, ["autoDelete"] = false, ["source"] = $"{Zone}/disks/{BakeDisk}" }),
        };
        var attach = await bed.Compute.InsertAsync($"{Zone}/instances?requestId={Guid.NewGuid()}", vm, "bake-node", CancellationToken.None);
        await bed.Compute.WaitAsync(GcpTestbed.Project, attach, "bake-node", null, CancellationToken.None);

        var imaging = bed.Stage(WeightsImageStep).ReconcileAsync(bed.Context(), CancellationToken.None);
        await Eventually(() => bed.Progress.Any(p => p.Message.Contains("to be detached from", StringComparison.Ordinal)));
        Assert.False(imaging.IsCompleted);
        Assert.DoesNotContain(bed.Fake.Requests, r => r.MethodId == "compute.images.insert");
        var detach = await bed.Compute.DeleteAsync($"{Zone}/instances/bake-node", Guid.NewGuid(), CancellationToken.None);
        await bed.Compute.WaitAsync(GcpTestbed.Project, detach!, "bake-node", null, CancellationToken.None);

        Assert.Equal(StageOutcome.Created, (await imaging).Outcome);
        Assert.Contains($"{Images}/{CreatedName(WeightsImageStep)}", bed.Fake.Compute.Images);
    }

    [Fact]
    public async Task NodePool_FailedCreate_StopsTheStage_AndARerunAfterTheFixRecreatesThePool()
    {
        await using var bed = await GcpTestbed.StartAsync();
        var pool = PlannedPoolName(bed);
        bed.Fake.Compute.AddImage(GcpTestbed.Project, "gke-image-cache", GcpTestbed.CacheLabels);
        bed.Fake.Faults.FailOperationsFor(pool, new FakeOperationFailure("RESOURCE_EXHAUSTED", "The zone us-central1-a does not have enough resources available to fulfill the request."));

        var ex = await Assert.ThrowsAsync<ProvisioningException>(() => bed.Stage("node-pool-vllm-pool").ReconcileAsync(bed.Context(), CancellationToken.None));

        Assert.Equal($"{GcpTestbed.Cluster}/nodePools/{pool}", ex.Resource);
        Assert.Contains("RESOURCE_EXHAUSTED", ex.Reason, StringComparison.Ordinal);
        Assert.Contains("another zone", ex.Fix, StringComparison.Ordinal);
        Assert.Equal("ERROR", (string?)bed.Fake.Container.Find($"{GcpTestbed.Cluster}/nodePools/{pool}")!["status"]);

        bed.Fake.Faults.StopFailingOperationsFor(pool);
        var result = await bed.Stage("node-pool-vllm-pool").ReconcileAsync(bed.Context(), CancellationToken.None);

        Assert.Equal(StageOutcome.Created, result.Outcome);
        Assert.Equal("RUNNING", (string?)bed.Fake.Container.Find($"{GcpTestbed.Cluster}/nodePools/{pool}")!["status"]);
    }

    // The pool's GKE name carries the hash of its configuration: read it from the plan.
    private static string PlannedPoolName(GcpTestbed bed) => (string)bed.Plan.Steps.Single(s => s.Id == "node-pool-vllm-pool").Body!["nodePool"]!["name"]!;

    [Fact]
    public async Task NodePool_NameTakenByAPoolWithoutOurLabels_StopsTheStage()
    {
        await using var bed = await GcpTestbed.StartAsync();
        bed.Fake.Container.AddNodePool(GcpTestbed.Cluster, new JsonObject { ["name"] = PlannedPoolName(bed), ["config"] = new JsonObject { ["machineType"] = "e2-medium" } });

        var ex = await Assert.ThrowsAsync<ProvisioningException>(() => bed.Stage("node-pool-vllm-pool").ReconcileAsync(bed.Context(), CancellationToken.None));

        Assert.Contains("managed-by=vllm-aspire", ex.Reason, StringComparison.Ordinal);
        Assert.Empty(bed.Fake.Writes);
    }

    [Fact]
    public async Task Iam_AddsOurMembers_KeepsEveryOtherBinding_AndIsUnchangedOnRerun()
    {
        await using var bed = await GcpTestbed.StartAsync();
        bed.Fake.ResourceManager.ChangePolicy(GcpTestbed.Project, p =>
        {
            var bindings = (JsonArray)p["bindings"]!;
            bindings.Add(new JsonObject { ["role"] = "roles/owner", ["members"] = new JsonArray("user:admin@example.com") });
            bindings.Add(new JsonObject { ["role"] = "roles/monitoring.viewer", ["members"] = new JsonArray("user:temp@example.com"), ["condition"] = new JsonObject { ["title"] = "until", ["expression"] = "request.time < timestamp('2030-01-01T00:00:00Z')" } });
            p["version"] = 3;
        });

        var result = await bed.Stage("project-iam").ReconcileAsync(bed.Context(), CancellationToken.None);

        Assert.Equal(StageOutcome.Changed, result.Outcome);
        var bindings = ((JsonArray)bed.Fake.ResourceManager.Policy(GcpTestbed.Project)["bindings"]!).Select(b => b!.AsObject()).ToList();
        Assert.Contains(bindings, b => (string?)b["role"] == "roles/owner" && (string?)b["members"]![0] == "user:admin@example.com");
        var conditional = Assert.Single(bindings, b => b["condition"] is not null);
        Assert.Equal(["user:temp@example.com"], ((JsonArray)conditional["members"]!).Select(m => (string?)m));
        var ours = Assert.Single(bindings, b => (string?)b["role"] == "roles/monitoring.viewer" && b["condition"] is null);
        Assert.Equal($"principal://iam.googleapis.com/projects/{GcpTestbed.ProjectNumber}/locations/global/workloadIdentityPools/my-project.svc.id.goog/subject/ns/custom-metrics/sa/custom-metrics-stackdriver-adapter", (string?)ours["members"]![0]);
        Assert.Contains(bindings, b => (string?)b["role"] == "roles/storage.objectViewer");
        var set = Assert.Single(bed.Fake.Requests, r => r.MethodId == "cloudresourcemanager.projects.setIamPolicy");
        Assert.NotNull(set.Body!["policy"]!["etag"]);
        Assert.Empty(bed.Fake.InvalidRequests);

        bed.Fake.ClearRequests();
        Assert.Equal(StageOutcome.Unchanged, (await bed.Stage("project-iam").ReconcileAsync(bed.Context(), CancellationToken.None)).Outcome);
        Assert.Empty(bed.Fake.Writes);
    }

    [Fact]
    public async Task Iam_ConcurrentChangeBetweenReadAndWrite_IsRetried_AndKeepsTheOtherWritersBinding()
    {
        await using var bed = await GcpTestbed.StartAsync();
        var changed = 0;
        bed.Fake.Faults.OnRequest("cloudresourcemanager.projects.setIamPolicy", _ =>
        {
            if (Interlocked.Exchange(ref changed, 1) == 0)
            {
                bed.Fake.ResourceManager.ChangePolicy(GcpTestbed.Project, p => ((JsonArray)p["bindings"]!).Add(new JsonObject { ["role"] = "roles/viewer", ["members"] = new JsonArray("user:other@example.com") }));
            }

            return Task.CompletedTask;
        });

        var result = await bed.Stage("project-iam").ReconcileAsync(bed.Context(), CancellationToken.None);

        Assert.Equal(StageOutcome.Changed, result.Outcome);
        var sets = bed.Fake.Requests.Where(r => r.MethodId == "cloudresourcemanager.projects.setIamPolicy").ToList();
        Assert.Equal([409, 200], sets.Select(s => s.StatusCode));
        Assert.Equal(2, bed.Fake.Requests.Count(r => r.MethodId == "cloudresourcemanager.projects.getIamPolicy"));
        var roles = ((JsonArray)bed.Fake.ResourceManager.Policy(GcpTestbed.Project)["bindings"]!).Select(b => (string?)b!["role"]).Order().ToList();
        Assert.Equal(["roles/monitoring.viewer", "roles/storage.objectViewer", "roles/viewer"], roles);
    }

    [Fact]
    public async Task Destroy_DeletesOnlyWhatCarriesOurLabels_AndIsRerunnable()
    {
        await using var bed = await GcpTestbed.StartAsync();
        await bed.DeployAsync();
        bed.Fake.Compute.AddDisk(GcpTestbed.Project, GcpTestbed.Zone, "someone-elses-disk", new Dictionary<string, string> { ["team"] = "data" });
        bed.Fake.Container.AddNodePool(GcpTestbed.Cluster, new JsonObject { ["name"] = "default-pool", ["config"] = new JsonObject { ["machineType"] = "e2-medium" } });
        bed.Fake.ResourceManager.ChangePolicy(GcpTestbed.Project, p => ((JsonArray)p["bindings"]!).Add(new JsonObject { ["role"] = "roles/monitoring.viewer", ["members"] = new JsonArray("user:ops@example.com") }));

        var results = await bed.DestroyAsync();

        Assert.All(results.Values, r => Assert.Equal(StageOutcome.Deleted, r.Outcome));
        Assert.Equal([$"{Zone}/disks/someone-elses-disk"], bed.Fake.Compute.Disks);
        Assert.Empty(bed.Fake.Compute.Images);
        Assert.Equal([$"{GcpTestbed.Cluster}/nodePools/default-pool"], bed.Fake.Container.NodePools);
        var binding = Assert.Single((JsonArray)bed.Fake.ResourceManager.Policy(GcpTestbed.Project)["bindings"]!);
        Assert.Equal(["user:ops@example.com"], ((JsonArray)binding!["members"]!).Select(m => (string?)m));

        bed.Fake.ClearRequests();
        Assert.All((await bed.DestroyAsync()).Values, r => Assert.Equal(StageOutcome.Unchanged, r.Outcome));
        Assert.Empty(bed.Fake.Writes);
        Assert.Empty(bed.Fake.InvalidRequests);
    }

    [Fact]
    public async Task Destroy_LeavesAnObjectOfThePlannedNameWithoutOurLabels()
    {
        await using var bed = await GcpTestbed.StartAsync();
        bed.Fake.Compute.AddDisk(GcpTestbed.Project, GcpTestbed.Zone, BakeDisk, new Dictionary<string, string> { ["team"] = "data" });

        var result = await bed.Stage(BakeDiskStep).DestroyAsync(bed.Context(), CancellationToken.None);

        Assert.Equal(StageOutcome.Unchanged, result.Outcome);
        Assert.Equal([$"{Zone}/disks/{BakeDisk}"], bed.Fake.Compute.Disks);
        await Assert.ThrowsAsync<ProvisioningException>(() => bed.Stage(BakeDiskStep).ReconcileAsync(bed.Context(), CancellationToken.None));
    }

    [Fact]
    public async Task Redeploy_SoonAfterDestroy_RecreatesDisksAlthoughThePlansRequestIdsWereUsed()
    {
        await using var bed = await GcpTestbed.StartAsync();
        await bed.DeployAsync();
        await bed.DestroyAsync();

        await bed.DeployAsync();

        Assert.Equal(PlannedDisks, bed.Fake.Compute.Disks);
        Assert.Equal(PlannedImages, bed.Fake.Compute.Images);
        Assert.Empty(bed.Fake.Compute.Instances);
    }

    [Fact]
    public async Task DryRun_DeployAndDestroy_WriteNothing_AndSayWhatWouldChange()
    {
        await using var bed = await GcpTestbed.StartAsync();

        var plan = await bed.DeployAsync(dryRun: true);

        Assert.Empty(bed.Fake.Writes);
        Assert.Empty(bed.Fake.Compute.Disks);
        Assert.All(plan.Values, r => Assert.StartsWith("would", r.Message, StringComparison.Ordinal));
        Assert.Contains("would create pool vllm-pool", plan["node-pool-vllm-pool"].Message, StringComparison.Ordinal);

        await bed.DeployAsync();
        bed.Fake.ClearRequests();
        var destroy = await bed.DestroyAsync(dryRun: true);

        Assert.Empty(bed.Fake.Writes);
        Assert.All(destroy.Values, r => Assert.Equal(StageOutcome.Deleted, r.Outcome));
        Assert.Equal(PlannedDisks, bed.Fake.Compute.Disks);
    }

    [Fact]
    public async Task PermanentOperationError_StopsThatStage_WithTheApisMessage_AndAFix()
    {
        await using var bed = await GcpTestbed.StartAsync();
        bed.Fake.Faults.FailOperationsFor(BakeDisk);

        var ex = await Assert.ThrowsAsync<ProvisioningException>(() => bed.Stage(BakeDiskStep).ReconcileAsync(bed.Context(), CancellationToken.None));

        Assert.Equal($"{Zone}/disks/{BakeDisk}", ex.Resource);
        Assert.Contains("QUOTA_EXCEEDED", ex.Reason, StringComparison.Ordinal);
        Assert.Contains("quota", ex.Fix, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(bed.Fake.Compute.Disks);

        bed.Fake.Faults.StopFailingOperationsFor(BakeDisk);
        Assert.Equal(StageOutcome.Created, (await bed.Stage(BakeDiskStep).ReconcileAsync(bed.Context(), CancellationToken.None)).Outcome);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not become true within 10 s");
            await Task.Delay(10);
        }
    }

    private static string WeightsStep(string suffix) =>
        Golden.Steps.Single(s => s.Id.StartsWith("gemma-7b-", StringComparison.Ordinal) && s.Id.EndsWith(suffix, StringComparison.Ordinal)).Id;

    // The name the step's insert body gives the disk or image it creates.
    private static string CreatedName(string stepId) => (string)Golden.Steps.Single(s => s.Id == stepId).Body!["name"]!;

    private static Contracts.Plan.GkePlan GcpTestbedPlan()
    {
        var path = Path.Combine(Testing.RepositoryPaths.Root, "tests", "VllmAspire.Publishing.Tests", "Golden", "gke-plan.json");
        return System.Text.Json.JsonSerializer.Deserialize<Contracts.Plan.GkePlan>(File.ReadAllText(path))!;
    }
}
