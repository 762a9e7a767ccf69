using Aspire.Hosting;
using k8s;
using k8s.Models;
using VllmAspire.Hosting.Publishing;
using VllmAspire.Testing;

namespace VllmAspire.Publishing.Tests;

/// <summary>
/// Issue 13 item 4: <c>WithStandbyCapacity(...)</c> on a node pool publishes low-priority placeholder pods that keep
/// warm GPU nodes, which vLLM pods pre-empt; publish checks the setting before anything is written.
/// </summary>
public sealed class StandbyCapacityTests
{
    private static PublishedModel Publish(TestModel model) => model.PublishInMemory();

    [Fact]
    public void ThePlaceholders_HoldAWholeGpuNodeEach_OnThePool_BelowEveryRealPod()
    {
        var p = Publish(new TestModel { StandbyNodesPerZone = 2, AcceleratorCount = 2, MachineType = "g2-standard-24" });
        var priority = p.Objects.OfType<V1PriorityClass>().Single();
        Assert.True(priority.Value < 0, "real pods (priority 0) must pre-empt the placeholders");
        // The cluster autoscaler ignores pending pods below -10: the placeholders would then keep no node.
        Assert.True(priority.Value >= -10, $"priority {priority.Value} is below the cluster autoscaler's expendable cutoff");
        Assert.Equal("Never", priority.PreemptionPolicy);
        Assert.False(priority.GlobalDefault);

        var placeholders = p.Objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "vllm-pool-standby");
        Assert.Equal(2, placeholders.Spec.Replicas);
        var pod = placeholders.Spec.Template.Spec;
        Assert.Equal(priority.Metadata.Name, pod.PriorityClassName);
        var vllm = p.Objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "vllm").Spec.Template.Spec;
        // Same pool (its GKE name with the hash), same zone, the same GPU request as a vLLM pod: the pod fits the freed node.
        Assert.Equal(vllm.NodeSelector, pod.NodeSelector);
        Assert.Equal("2", pod.Containers.Single().Resources.Requests["nvidia.com/gpu"].ToString());
        Assert.Equal(vllm.Containers.Single().Resources.Limits["nvidia.com/gpu"], pod.Containers.Single().Resources.Limits["nvidia.com/gpu"]);
        Assert.Equal(StandbyCapacityManifests.PauseImage, pod.Containers.Single().Image);
        Assert.Null(vllm.PriorityClassName);

        // The placeholders wait for their pool, as vLLM does.
        var pool = p.Plan.Steps.Single(s => s.Id == "node-pool-vllm-pool");
        Assert.Contains(pool.RequiredBy, o => o.Kind == "Deployment" && o.Name == "vllm-pool-standby");
    }

    [Fact]
    public void WithoutStandby_NoPlaceholders()
    {
        var p = Publish(new TestModel());
        Assert.Empty(p.Objects.OfType<V1PriorityClass>());
        Assert.DoesNotContain(p.Objects.OfType<V1Deployment>(), d => d.Metadata.Name.Contains("standby", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryZone_KeepsItsOwnWarmNodes()
    {
        var model = new TestModel { StandbyNodesPerZone = 1, MaxNodes = 4 };
        model.Parameters["gcp-zone"] = "us-central1-a,us-central1-b";
        var p = Publish(model);
        var placeholders = p.Objects.OfType<V1Deployment>().Where(d => d.Metadata.Labels["app.kubernetes.io/component"] == StandbyCapacityManifests.Component).ToList();
        Assert.Equal(["vllm-pool-standby-us-central1-a", "vllm-pool-standby-us-central1-b"], placeholders.Select(d => d.Metadata.Name));
        Assert.Equal(["us-central1-a", "us-central1-b"], placeholders.Select(d => d.Spec.Template.Spec.NodeSelector["topology.gke.io/zone"]));
    }

    [Fact]
    public void Publish_NamesTheSettingAndTheFix_AndWritesNothing()
    {
        // minReplicas 1 + 5 standby = 6 nodes > maxNodes 5.
        var full = new TestModel { StandbyNodesPerZone = 5 }.Publish();
        Assert.False(full.Written);
        Assert.Contains("Node pool 'vllm-pool' has WithStandbyCapacity(nodesPerZone: 5), but its maxNodes (5) cannot hold them", full.Errors, StringComparison.Ordinal);
        Assert.Contains("Raise maxNodes in AddNodePool to at least 6 or lower nodesPerZone", full.Errors, StringComparison.Ordinal);
        Assert.True(new TestModel { StandbyNodesPerZone = 4 }.Publish().Written);

        var cpu = new TestModel { StandbyNodesPerZone = 1, Accelerator = null, Image = "vllm/vllm-openai-cpu:v0.10.1", MachineType = "n2-standard-16" }.Publish();
        Assert.False(cpu.Written);
        Assert.Contains("has WithStandbyCapacity(nodesPerZone: 1), but no GPU", cpu.Errors, StringComparison.Ordinal);

        // The vLLM runs on another pool: the warm nodes would wait for nothing.
        var idle = new TestModel
        {
            StandbyNodesPerZone = 1,
            Configure = (_, gke, vllm) => vllm.WithNodePool(gke.AddNodePool("other-pool", machineType: "g2-standard-8", accelerator: "nvidia-l4", maxNodes: 2)),
        }.Publish();
        Assert.False(idle.Written);
        Assert.Contains("Node pool 'vllm-pool' has WithStandbyCapacity(nodesPerZone: 1), but no vLLM runs on it", idle.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void TheBuilder_RefusesLessThanOneNode()
    {
        var builder = DistributedApplication.CreateBuilder(["--operation", "publish"]);
        var pool = builder.AddGkeEnvironment("gke").AddNodePool("pool", machineType: "g2-standard-16", accelerator: "nvidia-l4");
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.WithStandbyCapacity(0));
    }

    [Fact]
    public async Task ThePublishedObjects_WithStandbyCapacity_PassTheOfficialSchemas()
    {
        var (exitCode, output) = await new TestModel { StandbyNodesPerZone = 1 }.ValidateAgainstSchemasAsync();
        Assert.True(exitCode == 0, output);
    }
}
