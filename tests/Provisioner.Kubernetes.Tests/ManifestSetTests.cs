using k8s.Models;

namespace VllmAspire.Provisioner.Kubernetes.Tests;

public sealed class ManifestSetTests
{
    [Fact]
    public void Load_ReadsEveryGoldenManifestIntoTypedModels_InApplyOrder()
    {
        var manifests = ManifestSet.Load(Paths.GoldenOutput);

        var files = Directory.GetFiles(Path.Combine(Paths.GoldenOutput, "kubernetes"), "*.yaml").Where(f => !f.EndsWith("kustomization.yaml", StringComparison.Ordinal)).ToList();
        Assert.Equal(files.Count, manifests.Objects.Count);
        Assert.Equal(KubernetesKinds.Namespace, manifests.Objects[0].Kind);
        var deployment = Assert.IsType<V1Deployment>(manifests.Objects.Single(o => o.Key == "kubernetes/Deployment/vllm/vllm").Object);
        Assert.Equal("vllm/vllm-openai:v0.10.1", deployment.Spec.Template.Spec.Containers[0].Image);
        var monitoring = Assert.IsType<V1PodMonitoring>(manifests.Objects.Single(o => o.Kind == KubernetesKinds.PodMonitoring).Object);
        Assert.Equal("http", monitoring.Spec.Endpoints[0].Port.Value);
        Assert.Equal("15s", monitoring.Spec.Endpoints[0].Interval);
        var volume = Assert.IsType<V1PersistentVolume>(manifests.Objects.Single(o => o.Key == "kubernetes/PersistentVolume/gemma-7b-us-central1-a").Object);
        Assert.Equal("projects/my-project/zones/us-central1-a/disks/gemma-7b-us-central1-a", volume.Spec.Csi.VolumeHandle);
        Assert.True(manifests.Objects.ToList().FindIndex(o => o.Kind == KubernetesKinds.PersistentVolumeClaim) < manifests.Objects.ToList().FindIndex(o => o.Kind == KubernetesKinds.Deployment));
    }

    [Fact]
    public void Load_RejectsAFieldTheModelLacks_NamingTheFile()
    {
        var dir = Directory.CreateTempSubdirectory("k8s-manifests-");
        try
        {
            var yaml = File.ReadAllText(Path.Combine(Paths.GoldenOutput, "kubernetes", "podmonitoring-vllm.yaml")).Replace("interval: 15s", "intervall: 15s", StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(dir.FullName, "podmonitoring-vllm.yaml"), yaml);

            var error = Assert.Throws<InvalidOperationException>(() => ManifestSet.Load(dir.FullName));

            Assert.Contains("podmonitoring-vllm.yaml", error.Message, StringComparison.Ordinal);
            Assert.Contains("intervall", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Load_WithoutManifests_SaysHowToPublish()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ManifestSet.Load("/nonexistent/publish"));
        Assert.Contains("publish", error.Message, StringComparison.Ordinal);
    }
}
