using k8s.Models;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Publishing;

namespace VllmAspire.Publishing.Tests;

public sealed class ManifestTests
{
    [Fact]
    public void OurAdapter_UsesThePlainMetricName_AndEmitsNoGoogleAdapterObjects()
    {
        using var app = new TestModel { MetricsAdapter = MetricsAdapterKind.VllmAspireShim }.Build();
        var model = app.TryCreatePublishModel(out var problems);
        Assert.Empty(problems);
        var objects = KubernetesManifestBuilder.Build(model!);
        var hpa = Assert.Single(objects.OfType<V2HorizontalPodAutoscaler>());
        Assert.Equal("vllm:num_requests_waiting", hpa.Spec.Metrics[0].Pods.Metric.Name);
        Assert.DoesNotContain(objects, o => o.Metadata.NamespaceProperty == GoogleMetricsAdapterManifests.Namespace);
        Assert.All(objects.OfType<V1APIService>(), a => Assert.Equal(ShimMetricsAdapterManifests.Name, a.Spec.Service.Name));
        var iam = GkePlanBuilder.Build(model!).Steps.Single(s => s.Id == "project-iam");
        Assert.DoesNotContain("monitoring.viewer", iam.Body!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void GoogleAdapter_NamesTheMetricForManagedPrometheus()
    {
        using var app = new TestModel().Build();
        var objects = KubernetesManifestBuilder.Build(app.PublishModel());
        var hpa = Assert.Single(objects.OfType<V2HorizontalPodAutoscaler>());
        Assert.Equal("prometheus.googleapis.com|vllm:num_requests_waiting|gauge", hpa.Spec.Metrics[0].Pods.Metric.Name);
        Assert.Equal("AverageValue", hpa.Spec.Metrics[0].Pods.Target.Type);
        Assert.Equal(3, objects.OfType<V1APIService>().Count());
    }

    [Fact]
    public void GoogleAdapter_KeepsAMetricAlreadyInGooglesForm()
    {
        using var app = new TestModel { Autoscaling = new(1, 5, "prometheus.googleapis.com|vllm:num_requests_waiting|gauge", 10) }.Build();
        var model = app.TryCreatePublishModel(out var problems);
        Assert.Empty(problems);
        var hpa = Assert.Single(KubernetesManifestBuilder.Build(model!).OfType<V2HorizontalPodAutoscaler>());
        Assert.Equal("prometheus.googleapis.com|vllm:num_requests_waiting|gauge", hpa.Spec.Metrics[0].Pods.Metric.Name);
    }

    [Fact]
    public void VllmPodSpec_UsesTheNodePoolsGpus_AndNeverInlinesTheToken()
    {
        using var app = new TestModel { PoolName = "big", MachineType = "g2-standard-24", AcceleratorCount = 2 }.Build();
        var publish = app.TryCreatePublishModel(out var problems);
        Assert.Empty(problems);
        var spec = VllmDeploymentBuilder.BuildPodSpec(publish!.Workloads[0], publish.Target);
        var container = spec.Containers.Single();
        Assert.Equal("2", container.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Equal(container.Resources.Limits["nvidia.com/gpu"].ToString(), container.Resources.Requests["nvidia.com/gpu"].ToString());
        Assert.Equal("2", container.Args[container.Args.IndexOf("--tensor-parallel-size") + 1]);
        Assert.Equal(GkePlanBuilder.NodePoolName(publish.Target, publish.Workloads[0].NodePool, publish.Environment.ImageCache?.ImageName), spec.NodeSelector["cloud.google.com/gke-nodepool"]);
        Assert.StartsWith("big-", spec.NodeSelector["cloud.google.com/gke-nodepool"], StringComparison.Ordinal);
        var token = Assert.Single(container.Env, e => e.Name == "HF_TOKEN");
        Assert.Null(token.Value);
        Assert.NotNull(token.ValueFrom.SecretKeyRef);
        Assert.True(spec.Volumes.Single(v => v.Name == VllmDeploymentBuilder.WeightsVolume).PersistentVolumeClaim.ReadOnlyProperty);
        Assert.Equal("Memory", spec.Volumes.Single(v => v.Name == "dshm").EmptyDir.Medium);
    }

    [Fact]
    public void CpuBuildOfVllm_OnACpuPool_RequestsNoGpu()
    {
        using var app = new TestModel { Image = "vllm/vllm-openai-cpu:v0.10.1", Accelerator = null, MachineType = "n2-standard-32" }.Build();
        var publish = app.TryCreatePublishModel(out var problems);
        Assert.Empty(problems);
        var spec = VllmDeploymentBuilder.BuildPodSpec(publish!.Workloads[0], publish.Target);
        Assert.Null(spec.Containers[0].Resources);
        Assert.Null(spec.Tolerations);
        Assert.Equal("1", spec.Containers[0].Args[spec.Containers[0].Args.IndexOf("--tensor-parallel-size") + 1]);
    }

    [Fact]
    public void NoNodePoolAtAll_IsAnError()
    {
        using var app = new TestModel { Image = "vllm/vllm-openai-cpu:v0.10.1", PoolName = null }.Build();
        Assert.Null(app.TryCreatePublishModel(out var problems));
        Assert.Contains(problems, p => p.Contains("has no node pool for vLLM 'vllm'", StringComparison.Ordinal) && p.Contains("gke.AddNodePool(", StringComparison.Ordinal));
    }
}
