using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using VllmAspire.Testing;

namespace VllmAspire.Publishing.Tests;

/// <summary>The test model published once with <c>gcp-zone=us-central1-a,us-central1-b</c>.</summary>
public sealed class TwoZonePublish : IAsyncLifetime
{
    public const string Zones = "us-central1-a,us-central1-b";

    public string Output { get; } = Path.Combine(Directory.CreateTempSubdirectory("vllm-aspire-two-zones-").FullName, "out");

    public int ExitCode { get; private set; }

    public string Errors { get; private set; } = "";

    public ValueTask InitializeAsync()
    {
        var model = new TestModel { ImageCacheName = "gke-image-cache" };
        model.Parameters["gcp-zone"] = Zones;
        using var app = model.Build();
        var errors = new StringWriter();
        ExitCode = Hosting.Publishing.GkePublisher.Publish(app.Model, Output, TextWriter.Null, errors);
        Errors = errors.ToString();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Path.GetDirectoryName(Output)!, recursive: true);
        return ValueTask.CompletedTask;
    }

    public T Read<T>(string file) => KubernetesYaml.Deserialize<T>(File.ReadAllText(Path.Combine(Output, "kubernetes", file)));
}

public sealed class TwoZonePublishTests(TwoZonePublish published) : IClassFixture<TwoZonePublish>
{
    [Fact]
    public void Publish_WritesTheGoldenManifestsAndPlan()
    {
        Assert.True(published.ExitCode == 0, published.Errors);
        GoldenFiles.AssertMatches(published.Output, Paths.GoldenTwoZones);
    }

    [Theory]
    [InlineData("us-central1-a")]
    [InlineData("us-central1-b")]
    public void EachZone_HasItsDiskVolume_AndADeploymentWhosePodsMountIt(string zone)
    {
        var pvs = Directory.EnumerateFiles(Path.Combine(published.Output, "kubernetes"), "persistentvolume-*.yaml")
            .Select(f => KubernetesYaml.Deserialize<V1PersistentVolume>(File.ReadAllText(f)))
            .Where(pv => pv.Spec.AccessModes.Contains("ReadOnlyMany") && pv.Spec.Csi.VolumeHandle.Contains($"/zones/{zone}/", StringComparison.Ordinal)).ToList();
        var pv = Assert.Single(pvs);
        Assert.Equal([zone], pv.Spec.NodeAffinity.Required.NodeSelectorTerms[0].MatchExpressions[0].Values);
        Assert.EndsWith("/disks/" + pv.Metadata.Name, pv.Spec.Csi.VolumeHandle, StringComparison.Ordinal);

        var deployment = published.Read<V1Deployment>($"deployment-vllm-{zone}.yaml");
        var pod = deployment.Spec.Template.Spec;
        Assert.Equal(zone, pod.NodeSelector["topology.gke.io/zone"]);
        var claim = pod.Volumes.Single(v => v.Name == "weights").PersistentVolumeClaim.ClaimName;
        Assert.Equal(pv.Spec.ClaimRef.Name, claim);
        Assert.Equal(pv.Metadata.Name, published.Read<V1PersistentVolumeClaim>($"persistentvolumeclaim-{claim}.yaml").Spec.VolumeName);

        // Selectors of the zones' Deployments must not overlap; the Service selects every zone's pods.
        Assert.Equal(zone, deployment.Spec.Selector.MatchLabels["vllm-aspire/zone"]);
        var service = published.Read<V1Service>("service-vllm.yaml");
        Assert.All(service.Spec.Selector, l => Assert.Equal(l.Value, deployment.Spec.Template.Metadata.Labels[l.Key]));
        Assert.DoesNotContain("vllm-aspire/zone", service.Spec.Selector.Keys);

        var hpa = published.Read<V2HorizontalPodAutoscaler>($"horizontalpodautoscaler-vllm-{zone}.yaml");
        Assert.Equal(deployment.Metadata.Name, hpa.Spec.ScaleTargetRef.Name);
        // The model's 1..5 split over two zones, rounded up: 1..3 each.
        Assert.Equal((1, 3), (hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas));
    }

    [Fact]
    public void Plan_HasOneWeightsDiskPerZone_AndTheNodePoolSpansTheZones()
    {
        var steps = PlanAssertions.PassesDiscoveryDocumentsInOrder(Path.Combine(published.Output, "gke-plan.json"));
        var disks = steps.Where(s => (string?)s!["apiMethod"] == "compute.disks.insert" && s!["body"]!["sourceImage"] is not null).ToList();
        Assert.Equal(["us-central1-a", "us-central1-b"], disks.Select(d => ((string)d!["url"]!).Split("/zones/")[1].Split('/')[0]));
        Assert.All(disks, d => Assert.EndsWith("-image", d!["dependsOn"]!["steps"]!.AsArray().Select(x => (string)x!).Single(), StringComparison.Ordinal));
        var pool = steps.Single(s => (string?)s!["apiMethod"] == "container.projects.locations.clusters.nodePools.create")!;
        Assert.Equal(["us-central1-a", "us-central1-b"], pool["body"]!["nodePool"]!["locations"]!.AsArray().Select(z => (string)z!));
        // The bake and the image cache are built once, in the primary zone.
        Assert.Single(steps, s => ((string)s!["id"]!).EndsWith("-bake-disk", StringComparison.Ordinal));
        Assert.Contains("/zones/us-central1-a/", (string)steps.Single(s => (string?)s!["id"] == "image-cache-builder")!["url"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryObject_PassesTheOfficialSchemas()
    {
        var files = Directory.EnumerateFiles(Path.Combine(published.Output, "kubernetes"), "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml").ToList();
        var (exitCode, output) = await KubernetesSchemaValidator.ValidateAsync(files);
        Assert.True(exitCode == 0, output);
        Assert.Contains($"{files.Count} file(s), 0 problem(s)", output, StringComparison.Ordinal);
    }
}
