using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using k8s.Models;
using Aspire.Hosting.Pipelines;
using VllmAspire.Hosting.Gke;
using VllmAspire.Hosting.Publishing;

namespace VllmAspire.Publishing.Tests;

public sealed class GkeEnvironmentTests
{
    [Fact]
    public void RunMode_LeavesTheEnvironmentItsPoolsAndItsParametersOutOfTheModel()
    {
        var model = new TestModel();
        model.Parameters.Clear();
        using var app = model.Build(publishMode: false);
        Assert.DoesNotContain(app.Model.Resources, r => r is GkeEnvironmentResource or GkeNodePoolResource);
        Assert.DoesNotContain(app.Model.Resources, r => r is ParameterResource p && (p.Name.StartsWith("g", StringComparison.Ordinal) || p.Name == "container-registry"));
    }

    [Fact]
    public void PublishMode_AddsTheEnvironmentWithItsParameters_AndItsPoolsAsChildren()
    {
        using var app = new TestModel { ImageCacheName = "gke-image-cache" }.Build();
        var gke = Assert.Single(app.Model.Resources.OfType<GkeEnvironmentResource>());
        Assert.Equal(["gcp-project", "gcp-location", "gcp-zone", "gke-cluster", "container-registry"],
            app.Model.Resources.OfType<ParameterResource>().Select(p => p.Name));
        Assert.Equal("my-project", app.Settings.Project.Value);
        Assert.Equal(MetricsAdapterKind.GoogleStackdriver, gke.MetricsAdapter);

        var pool = Assert.Single(app.Model.Resources.OfType<GkeNodePoolResource>());
        Assert.Same(gke, pool.Parent);
        Assert.Equal([pool], gke.NodePoolResources);
        Assert.Equal(("vllm-pool", "g2-standard-16", "nvidia-l4", 1, 5), (pool.Configuration.Name, pool.Configuration.MachineType, pool.Configuration.Accelerator, pool.Configuration.MinNodes, pool.Configuration.MaxNodes));
        Assert.Equal("gke-image-cache", gke.ImageCache?.ImageName);
    }

    [Fact]
    public void WithImageCache_IsNamedAfterTheEnvironmentByDefault()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Args = ["--operation", "publish"], DisableDashboard = true });
        var pool = builder.AddGkeEnvironment("cluster-a").AddNodePool("gpu", machineType: "g2-standard-8").WithImageCache();
        Assert.Equal("cluster-a-image-cache", pool.Resource.ImageCache?.ImageName);
    }

    [Fact]
    public void SeveralPools_EachWorkloadMustNameItsPool()
    {
        var model = new TestModel { Configure = (_, gke, _) => gke.AddNodePool("cpu-pool", machineType: "n2-standard-8") };
        var unnamed = model.Publish();
        var problem = Assert.Single(unnamed.Problems);
        Assert.Contains("vLLM 'vllm' does not say which of the 2 node pools of GKE environment 'gke' (vllm-pool, cpu-pool) it runs on", problem, StringComparison.Ordinal);
        Assert.Contains("WithNodePool(pool)", problem, StringComparison.Ordinal);
        Assert.False(unnamed.Written);

        model.Configure = (_, gke, vllm) =>
        {
            var l4 = gke.AddNodePool("l4-pool", machineType: "g2-standard-24", accelerator: "nvidia-l4", maxNodes: 2);
            vllm.WithNodePool(l4);
        };
        using var app = model.Build();
        var publish = app.PublishModel();
        var workload = Assert.Single(publish.Workloads);
        Assert.Equal("l4-pool", workload.NodePool.Name);
        var selector = KubernetesManifestBuilder.Build(publish).OfType<V1Deployment>().Single(d => d.Metadata.Name == "vllm").Spec.Template.Spec.NodeSelector;
        Assert.StartsWith("l4-pool-", selector["cloud.google.com/gke-nodepool"], StringComparison.Ordinal);
    }

    [Fact]
    public void APoolWithoutAGpu_ForAGpuImage_NamesThePool()
    {
        var model = new TestModel
        {
            Configure = (_, gke, vllm) => vllm.WithNodePool(gke.AddNodePool("cpu-pool", machineType: "n2-standard-8")),
        };
        var problem = Assert.Single(model.Publish().Problems);
        Assert.Contains("needs an NVIDIA GPU, but its node pool 'cpu-pool' has none", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyThePoolsWithWithImageCache_MountIt_AndTheyMustNameOneImage()
    {
        var model = new TestModel
        {
            ImageCacheName = "cache-a",
            Configure = (_, gke, vllm) => gke.AddNodePool("other-pool", machineType: "g2-standard-8", accelerator: "nvidia-l4"),
        };
        model.Configure += (_, gke, vllm) => vllm.WithNodePool(gke.AddNodePool("third-pool", machineType: "g2-standard-8", accelerator: "nvidia-l4").WithImageCache("cache-a"));
        using (var app = model.Build())
        {
            var pools = GkePlanBuilder.Build(app.PublishModel()).Steps.Where(s => s.ApiMethod.EndsWith("nodePools.create", StringComparison.Ordinal))
                .ToDictionary(s => s.Id, s => s.Body!["nodePool"]!["config"]!["secondaryBootDisks"]?[0]?["diskImage"]?.GetValue<string>());
            Assert.Equal("projects/my-project/global/images/cache-a", pools["node-pool-vllm-pool"]);
            Assert.Null(pools["node-pool-other-pool"]);
            Assert.Equal("projects/my-project/global/images/cache-a", pools["node-pool-third-pool"]);
        }

        model.Configure += (_, gke, _) => gke.AddNodePool("fourth-pool", machineType: "g2-standard-8").WithImageCache("cache-b");
        var problems = model.Publish().Problems;
        Assert.Contains(problems, p => p.Contains("name different image caches (vllm-pool: cache-a, third-pool: cache-a, fourth-pool: cache-b)", StringComparison.Ordinal));
    }

    [Fact]
    public void PublishAsGkeWorkload_ChangesEveryPublishedDeployment_AndNothingInRunMode()
    {
        var model = new TestModel
        {
            Configure = (_, _, vllm) => vllm.PublishAsGkeWorkload(d => d.Spec.Template.Spec.PriorityClassName = "serving"),
        };
        model.Parameters["gcp-zone"] = "us-central1-a,us-central1-b";
        using (var app = model.Build())
        {
            var deployments = KubernetesManifestBuilder.Build(app.PublishModel()).OfType<V1Deployment>().Where(d => d.Metadata.Name.StartsWith("vllm-", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, deployments.Count);
            Assert.All(deployments, d => Assert.Equal("serving", d.Spec.Template.Spec.PriorityClassName));
        }

        using var run = model.Build(publishMode: false);
        Assert.DoesNotContain(run.Model.Resources.OfType<VllmResource>().Single().Annotations, a => a is GkeWorkloadCustomizationAnnotation);
    }

    [Fact]
    public void TheSteps_Publish_ThenDeployOrDestroyWhatWasPublished_PlanAndTheDryRunOnRequest()
    {
        using var app = new TestModel().Build();
        var steps = GkePipelineSteps.Create(app.Environment).ToDictionary(s => s.Name);

        Assert.Equal(["publish-gke", "plan", "deploy-gke", "deploy-gke-dry-run", "destroy-gke"], steps.Keys);
        Assert.All(steps.Values, s => Assert.Same(app.Environment, s.Resource));
        string Wiring(string step) => $"{string.Join(' ', steps[step].DependsOnSteps)} -> {string.Join(' ', steps[step].RequiredBySteps)}";
        Assert.Equal($"{WellKnownPipelineSteps.PublishPrereq} -> {WellKnownPipelineSteps.Publish}", Wiring("publish-gke"));
        Assert.Equal($"{WellKnownPipelineSteps.ProcessParameters} -> ", Wiring("plan"));
        // Deploy and destroy depend on publish: every check runs before a cloud call, and they act on what publish wrote.
        Assert.Equal($"publish-gke {WellKnownPipelineSteps.DeployPrereq} -> {WellKnownPipelineSteps.Deploy}", Wiring("deploy-gke"));
        Assert.Equal($"publish-gke {WellKnownPipelineSteps.DeployPrereq} -> ", Wiring("deploy-gke-dry-run"));
        Assert.Equal($"publish-gke {WellKnownPipelineSteps.DestroyPrereq} -> {WellKnownPipelineSteps.Destroy}", Wiring("destroy-gke"));
        Assert.Single(app.Environment.Annotations.OfType<PipelineStepAnnotation>());
    }

    [Fact]
    public void TheEntryPoints_GuardTheirArguments()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Args = ["--operation", "publish"], DisableDashboard = true });
        Assert.Throws<ArgumentNullException>(() => GkeEnvironmentBuilderExtensions.AddGkeEnvironment(null!, "gke"));
        Assert.Throws<ArgumentException>(() => builder.AddGkeEnvironment(""));
        var gke = builder.AddGkeEnvironment("gke");
        Assert.Throws<ArgumentException>(() => gke.AddNodePool("", machineType: "g2-standard-16"));
        Assert.Throws<ArgumentException>(() => gke.AddNodePool("pool", machineType: ""));
        Assert.Throws<ArgumentOutOfRangeException>(() => gke.AddNodePool("pool", machineType: "g2-standard-16", minNodes: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => gke.AddNodePool("pool", machineType: "g2-standard-16", minNodes: 3, maxNodes: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => gke.AddNodePool("pool", machineType: "g2-standard-16", maxNodes: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => gke.AddNodePool("pool", machineType: "g2-standard-16", count: 4, maxNodes: 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => gke.AddNodePool("pool", machineType: "g2-standard-16", accelerator: "nvidia-l4", acceleratorCount: 0));
        var vllm = builder.AddVllm("vllm");
        Assert.Throws<ArgumentNullException>(() => vllm.WithNodePool(null!));
        Assert.Throws<ArgumentNullException>(() => vllm.PublishAsGkeWorkload(null!));
        Assert.Throws<ArgumentNullException>(() => GkeEnvironmentBuilderExtensions.WithImageCache(null!));
    }
}
