using k8s.Models;
using Aspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Publishing;

namespace VllmAspire.Publishing.Tests;

/// <summary>The node pool's GKE name carries a hash of what GKE cannot change on a pool, and the Deployments select that exact pool.</summary>
public sealed class NodePoolNameTests
{
    private static (string PlanPool, IReadOnlyList<string> Selected) Publish(TestModel model)
    {
        using var app = model.Build();
        var publish = app.TryCreatePublishModel(out var problems);
        Assert.Empty(problems);
        var plan = GkePlanBuilder.Build(publish!);
        var pool = (string)plan.Steps.Single(s => s.ApiMethod.EndsWith("nodePools.create", StringComparison.Ordinal)).Body!["nodePool"]!["name"]!;
        var selected = KubernetesManifestBuilder.Build(publish!).OfType<V1Deployment>()
            .Where(d => d.Spec.Template.Spec.Containers.Any(c => c.Name == VllmDeploymentBuilder.ContainerName))
            .Select(d => d.Spec.Template.Spec.NodeSelector is { } s && s.TryGetValue("cloud.google.com/gke-nodepool", out var pool) ? pool : "(no pool selector)").ToList();
        return (pool, selected);
    }

    [Fact]
    public void ThePlannedPool_IsTheDeclaredNameWithAConfigurationHash_AndEveryDeploymentSelectsIt()
    {
        var a = Publish(new TestModel());
        var zones = new TestModel();
        zones.Parameters["gcp-zone"] = "us-central1-a,us-central1-b";
        var twoZones = Publish(zones);

        Assert.Matches($"^vllm-pool-[0-9a-f]{{{GkePlanBuilder.NodePoolHashLength}}}$", a.PlanPool);
        Assert.InRange(a.PlanPool.Length, 1, GkePlanBuilder.MaxNodePoolNameLength);
        Assert.Equal([a.PlanPool], a.Selected);
        Assert.Equal(2, twoZones.Selected.Count);
        Assert.All(twoZones.Selected, s => Assert.Equal(twoZones.PlanPool, s));
        Assert.Equal(a.PlanPool, Publish(new TestModel()).PlanPool);
    }

    [Fact]
    public void ANewMachineTypeOrImageCacheImage_GivesANewPoolName_ButANewWeightsVersionDoesNot()
    {
        var a = Publish(new TestModel { ImageCacheName = "cache-a" });
        var machine = Publish(new TestModel { ImageCacheName = "cache-a", MachineType = "g2-standard-24" });
        var cache = Publish(new TestModel { ImageCacheName = "cache-b" });
        var weights = Publish(new TestModel { ImageCacheName = "cache-a", WeightsRevision = "2" });

        Assert.NotEqual(a.PlanPool, machine.PlanPool);
        Assert.NotEqual(a.PlanPool, cache.PlanPool);
        Assert.Equal([machine.PlanPool], machine.Selected);
        Assert.Equal([cache.PlanPool], cache.Selected);

        // Pool-independent changes keep the nodes: only the pods roll.
        Assert.Equal(a.PlanPool, weights.PlanPool);
    }

    [Fact]
    public void APoolNameWithoutRoomForTheHash_IsAValidationError_ThatSaysTheLimit()
    {
        var name = new string('p', GkePlanBuilder.MaxNodePoolBaseNameLength + 1);
        using var app = new TestModel { PoolName = name }.Build();

        Assert.Null(app.TryCreatePublishModel(out var problems));

        var problem = Assert.Single(problems, p => p.Contains(name, StringComparison.Ordinal));
        Assert.Contains($"at most {GkePlanBuilder.MaxNodePoolBaseNameLength} characters", problem, StringComparison.Ordinal);
        Assert.Contains("AddNodePool", problem, StringComparison.Ordinal);
    }
}
