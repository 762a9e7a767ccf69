using System.Text.Json.Nodes;
using VllmAspire.Contracts.Plan;
using VllmAspire.Contracts.Plan.Container;
using VllmAspire.Provisioner.Stages;
using VllmAspire.Provisioner.Stages.Gcp;

namespace VllmAspire.Provisioner.Gcp.Tests;

/// <summary>
/// A model update end to end on the GCP side: the golden plan (A), then the plan published after a new weights revision
/// and a new image-cache image (B, <c>GoldenModelUpdate</c>), then the prune that runs after the rollout.
/// </summary>
public sealed class PruneTests
{
    private static readonly GkePlan PlanB = GcpTestbed.ReadPlan("GoldenModelUpdate");

    [Fact]
    public async Task ModelUpdate_CreatesTheNewDisksImagesAndPool_ThenPruneDeletesOnlyTheOldOnes_WaitingForAnAttachedDisk()
    {
        await using var bed = await GcpTestbed.StartAsync();
        var a = Planned.Of(bed.Plan);
        var b = Planned.Of(PlanB);
        await bed.DeployAsync();
        var lookAlikes = AddLookAlikes(bed, a);

        var update = await bed.DeployAsync(plan: PlanB);

        // Every disk, image and pool of B is new (the IAM bindings are the same), and A's are all still there while the new pods roll out.
        Assert.All(update.Where(r => r.Key != "project-iam"), r => Assert.Equal(StageOutcome.Created, r.Value.Outcome));
        Assert.Equal(StageOutcome.Unchanged, update["project-iam"].Outcome);
        Assert.Equal(a.Disks.Concat(b.Disks).Concat(lookAlikes.Disks).Order(StringComparer.Ordinal), bed.Fake.Compute.Disks);
        Assert.Equal(a.Images.Concat(b.Images).Concat(lookAlikes.Images).Order(StringComparer.Ordinal), bed.Fake.Compute.Images);
        Assert.Equal(a.Pools.Concat(b.Pools).Concat(lookAlikes.Pools).Order(StringComparer.Ordinal), bed.Fake.Container.NodePools);
        Assert.Empty(bed.Fake.InvalidRequests);

        // An old weights disk is still attached (its node has not let go yet): the prune waits for it.
        var attached = a.Disks.Single(d => d.EndsWith($"-{GcpTestbed.Zone}", StringComparison.Ordinal));
        await AttachAsync(bed, attached);
        var prune = GcpStageFactory.CreatePrune(PlanB, ["workload-vllm", "hpa"], bed.StageOptions);
        Assert.Equal(GcpPruneStage.StageName, prune.Name);
        Assert.Equal(["workload-vllm", "hpa"], prune.DependsOn);

        var pruning = prune.ReconcileAsync(bed.Context(), CancellationToken.None);
        await Eventually(() => bed.Progress.Any(p => p.Stage == prune.Name && p.Message.Contains($"waiting for {attached} to be detached", StringComparison.Ordinal)));
        Assert.False(pruning.IsCompleted);
        Assert.Contains(attached, bed.Fake.Compute.Disks);
        await DetachAsync(bed);
        var result = await pruning;

        Assert.Equal(StageOutcome.Deleted, result.Outcome);
        Assert.Equal(a.All.Order(StringComparer.Ordinal), result.Objects.Order(StringComparer.Ordinal));
        Assert.Equal(b.Disks.Concat(lookAlikes.Disks).Order(StringComparer.Ordinal), bed.Fake.Compute.Disks);
        Assert.Equal(b.Images.Concat(lookAlikes.Images).Order(StringComparer.Ordinal), bed.Fake.Compute.Images);
        Assert.Equal(b.Pools.Concat(lookAlikes.Pools).Order(StringComparer.Ordinal), bed.Fake.Container.NodePools);
        Assert.Empty(bed.Fake.InvalidRequests);

        // The new plan's deploy finds its objects, and a second prune has nothing left to do.
        bed.Fake.ClearRequests();
        Assert.Equal(StageOutcome.Unchanged, (await prune.ReconcileAsync(bed.Context(), CancellationToken.None)).Outcome);
        Assert.All((await bed.DeployAsync(plan: PlanB)).Values, r => Assert.Equal(StageOutcome.Unchanged, r.Outcome));
        Assert.Empty(bed.Fake.Writes);
    }

    [Fact]
    public async Task DryRun_ListsWhatPruneWouldDelete_AndDeletesNothing()
    {
        await using var bed = await GcpTestbed.StartAsync();
        var a = Planned.Of(bed.Plan);
        await bed.DeployAsync();
        await bed.DeployAsync(plan: PlanB);
        var disks = bed.Fake.Compute.Disks;
        var images = bed.Fake.Compute.Images;
        var pools = bed.Fake.Container.NodePools;
        bed.Fake.ClearRequests();

        var result = await GcpStageFactory.CreatePrune(PlanB, [], bed.StageOptions).ReconcileAsync(bed.Context(dryRun: true), CancellationToken.None);

        Assert.Equal(StageOutcome.Deleted, result.Outcome);
        Assert.Equal(a.All.Order(StringComparer.Ordinal), result.Objects.Order(StringComparer.Ordinal));
        Assert.All(a.All, o => Assert.Contains(o, result.Message, StringComparison.Ordinal));
        Assert.StartsWith("would delete", result.Message, StringComparison.Ordinal);
        Assert.Empty(bed.Fake.Writes);
        Assert.Equal(disks, bed.Fake.Compute.Disks);
        Assert.Equal(images, bed.Fake.Compute.Images);
        Assert.Equal(pools, bed.Fake.Container.NodePools);
    }

    [Fact]
    public async Task ADiskThatStaysAttached_StopsThePruneAtTheDeadline_WithTheInstance_AndTheRestIsStillDeleted()
    {
        await using var bed = await GcpTestbed.StartAsync();
        var a = Planned.Of(bed.Plan);
        var b = Planned.Of(PlanB);
        await bed.DeployAsync();
        await bed.DeployAsync(plan: PlanB);
        var attached = a.Disks.Single(d => d.EndsWith($"-{GcpTestbed.Zone}", StringComparison.Ordinal));
        await AttachAsync(bed, attached);
        bed.StageOptions.ReadyTimeout = TimeSpan.FromMilliseconds(300);

        var ex = await Assert.ThrowsAsync<ProvisioningException>(() => GcpStageFactory.CreatePrune(PlanB, [], bed.StageOptions).ReconcileAsync(bed.Context(), CancellationToken.None));

        Assert.Equal(attached, ex.Resource);
        Assert.Contains("still attached to", ex.Reason, StringComparison.Ordinal);
        Assert.Contains(Instance, ex.Reason, StringComparison.Ordinal);
        Assert.Contains("rerun the deploy", ex.Fix, StringComparison.Ordinal);
        Assert.Equal(b.Disks.Append(attached).Order(StringComparer.Ordinal), bed.Fake.Compute.Disks);
        Assert.Equal(b.Images, bed.Fake.Compute.Images.Order(StringComparer.Ordinal));
        Assert.Equal(b.Pools, bed.Fake.Container.NodePools);
    }

    [Fact]
    public async Task Destroy_OfThePruneStage_DeletesNothing()
    {
        await using var bed = await GcpTestbed.StartAsync();
        await bed.DeployAsync();
        var disks = bed.Fake.Compute.Disks;
        bed.Fake.ClearRequests();

        var result = await GcpStageFactory.CreatePrune(PlanB, [], bed.StageOptions).DestroyAsync(bed.Context(), CancellationToken.None);

        Assert.Equal(StageOutcome.Unchanged, result.Outcome);
        Assert.Empty(bed.Fake.Writes);
        Assert.Equal(disks, bed.Fake.Compute.Disks);
    }

    private const string Instance = "old-node";

    // Objects that look like A's but are not this app's: no labels, another app's labels, a pool without resource labels.
    private static Planned AddLookAlikes(GcpTestbed bed, Planned a)
    {
        var disk = a.Disks.Single(d => d.EndsWith($"-{GcpTestbed.Zone}", StringComparison.Ordinal)) + "-copy";
        bed.Fake.Compute.AddDisk(GcpTestbed.Project, GcpTestbed.Zone, disk[(disk.LastIndexOf('/') + 1)..]);
        var image = a.Images[0] + "-other";
        var otherApp = GcpTestbed.CacheLabels.ToDictionary(l => l.Key, l => l.Key == "app" ? "other" : l.Value);
        bed.Fake.Compute.AddImage(GcpTestbed.Project, image[(image.LastIndexOf('/') + 1)..], otherApp);
        var pool = (JsonObject)bed.Plan.Steps.Single(s => s.ApiMethod.EndsWith("nodePools.create", StringComparison.Ordinal)).Body!["nodePool"]!.DeepClone();
        pool["name"] = (string)pool["name"]! + "-copy";
        pool["config"]!.AsObject().Remove("resourceLabels");
        bed.Fake.Container.AddNodePool(GcpTestbed.Cluster, pool);
        return new Planned([disk], [image], [$"{GcpTestbed.Cluster}/nodePools/{pool["name"]}"]);
    }

    private static async Task AttachAsync(GcpTestbed bed, string disk)
    {
        var zone = disk[..disk.IndexOf("/disks/", StringComparison.Ordinal)];
        var vm = new JsonObject
        {
            ["name"] = Instance,
            ["machineType"] = $"zones/{GcpTestbed.Zone}/machineTypes/g2-standard-16",
            ["disks"] = new JsonArray(new JsonObject { ["boot"] = false, ["autoDelete"] = false, ["mode"] = "READ_ONLY", ["source"] = disk }),
        };
        var operation = await bed.Compute.InsertAsync($"{zone}/instances?requestId={Guid.NewGuid()}", vm, Instance, CancellationToken.None);
        await bed.Compute.WaitAsync(GcpTestbed.Project, operation, Instance, null, CancellationToken.None);
    }

    private static async Task DetachAsync(GcpTestbed bed)
    {
        var operation = await bed.Compute.DeleteAsync($"projects/{GcpTestbed.Project}/zones/{GcpTestbed.Zone}/instances/{Instance}", Guid.NewGuid(), CancellationToken.None);
        await bed.Compute.WaitAsync(GcpTestbed.Project, operation!, Instance, null, CancellationToken.None);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 10 s");
            await Task.Delay(10);
        }
    }

    /// <summary>The disks, images and node pools a plan names, as resource paths; the builder VM's disk is deleted by its stage.</summary>
    private sealed record Planned(IReadOnlyList<string> Disks, IReadOnlyList<string> Images, IReadOnlyList<string> Pools)
    {
        public IEnumerable<string> All => Disks.Concat(Images).Concat(Pools);

        public static Planned Of(GkePlan plan)
        {
            var requests = plan.Steps.Select(PlannedRequest.From).ToList();
            var builderDisks = requests.Where(r => r.Step.ApiMethod == "compute.instances.insert").SelectMany(r => r.Step.DependsOn.Steps).ToHashSet();
            return new Planned(
                [.. requests.Where(r => r.Step.ApiMethod == "compute.disks.insert" && !builderDisks.Contains(r.Step.Id)).Select(r => r.ComputeResourcePath).Order(StringComparer.Ordinal)],
                [.. requests.Where(r => r.Step.ApiMethod == "compute.images.insert").Select(r => r.ComputeResourcePath).Order(StringComparer.Ordinal)],
                [.. requests.Where(r => r.Step.ApiMethod.EndsWith("nodePools.create", StringComparison.Ordinal)).Select(r => $"{GcpTestbed.Cluster}/nodePools/{r.As<CreateNodePoolRequest>().NodePool.Name}")]);
        }
    }
}
