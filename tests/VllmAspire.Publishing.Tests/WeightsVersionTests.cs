using k8s;
using k8s.Models;
using VllmAspire.Hosting.Publishing;

namespace VllmAspire.Publishing.Tests;

/// <summary>A model update: new weights get new image, disk and volume names beside the old ones, and every object names its weights version.</summary>
public sealed class WeightsVersionTests
{
    private static (GkePublishModel Model, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects, Contracts.Plan.GkePlan Plan) Publish(TestModel model)
    {
        using var app = model.Build();
        var publish = app.TryCreatePublishModel(out var problems);
        Assert.Empty(problems);
        return (publish!, KubernetesManifestBuilder.Build(publish!), GkePlanBuilder.Build(publish!));
    }

    private static HashSet<string> WeightsNames((GkePublishModel Model, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects, Contracts.Plan.GkePlan Plan) p) =>
        [.. p.Objects.Where(o => o is V1PersistentVolume or V1PersistentVolumeClaim or V1Job).Select(o => o.Metadata.Name),
         .. p.Plan.Steps.Where(s => s.ApiMethod is "compute.disks.insert" or "compute.images.insert").Select(s => (string)s.Body!["name"]!)];

    [Fact]
    public void TheVersion_IsAHashOfSourceAndRevision_AndStableAcrossPublishes()
    {
        var a = Publish(new TestModel());
        var again = Publish(new TestModel());
        var revised = Publish(new TestModel { WeightsRevision = "2" });
        var moved = Publish(new TestModel { WeightsSource = "gs://my-bucket/models/gemma-7b-it" });

        var version = a.Model.Workloads[0].WeightsVersion;
        Assert.Matches("^[0-9a-f]{8}$", version);
        Assert.Equal(version, again.Model.Workloads[0].WeightsVersion);
        Assert.Equal(WeightsNames(a), WeightsNames(again));
        Assert.NotEqual(version, revised.Model.Workloads[0].WeightsVersion);
        Assert.NotEqual(version, moved.Model.Workloads[0].WeightsVersion);

        // Nothing that holds the weights keeps its name when they change, so the new objects are created beside the old.
        Assert.Empty(WeightsNames(a).Intersect(WeightsNames(revised)));
        Assert.Empty(WeightsNames(a).Intersect(WeightsNames(moved)));
        Assert.All(WeightsNames(a), n => Assert.Contains(version, n, StringComparison.Ordinal));
    }

    [Fact]
    public void EveryWorkloadObject_AndCloudWeightsObject_CarriesTheVersionLabel_ButNoSelectorDoes()
    {
        var p = Publish(new TestModel { WeightsRevision = "abc" });
        var version = p.Model.Workloads[0].WeightsVersion;
        var workload = p.Objects.Where(o => o.Metadata.NamespaceProperty == "vllm").ToList();
        Assert.NotEmpty(workload);
        Assert.All(workload, o => Assert.Equal(version, o.Metadata.Labels[KubernetesLabels.WeightsVersionLabel]));
        Assert.All(p.Objects.OfType<V1PersistentVolume>(), pv => Assert.Equal(version, pv.Metadata.Labels[KubernetesLabels.WeightsVersionLabel]));

        var deployment = p.Objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "vllm");
        Assert.Equal(version, deployment.Spec.Template.Metadata.Labels[KubernetesLabels.WeightsVersionLabel]);
        // A Deployment's selector is immutable: a new weights version must roll the same Deployment, not need a new one.
        Assert.DoesNotContain(KubernetesLabels.WeightsVersionLabel, deployment.Spec.Selector.MatchLabels.Keys);
        Assert.DoesNotContain(KubernetesLabels.WeightsVersionLabel, p.Objects.OfType<V1Service>().Single(s => s.Metadata.Name == "vllm").Spec.Selector.Keys);

        var weightsSteps = p.Plan.Steps.Where(s => s.ApiMethod is "compute.disks.insert" or "compute.images.insert" && !s.Id.StartsWith("image-cache", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, weightsSteps.Count);
        Assert.All(weightsSteps, s => Assert.Equal(version, (string?)s.Body!["labels"]![KubernetesLabels.WeightsVersionCloudLabel]));
        // A new version's steps are new steps with new request IDs (Compute would otherwise answer them with the old operation).
        Assert.All(weightsSteps, s => Assert.Contains(version, s.Id, StringComparison.Ordinal));
    }

    [Fact]
    public void TheBakeServiceAccount_KeepsItsNameAndGrantAcrossVersions()
    {
        var a = Publish(new TestModel());
        var b = Publish(new TestModel { WeightsRevision = "2" });
        string Account((GkePublishModel Model, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects, Contracts.Plan.GkePlan Plan) p) =>
            p.Objects.OfType<V1Job>().Single().Spec.Template.Spec.ServiceAccountName;
        Assert.Equal("gemma-7b-bake", Account(a));
        Assert.Equal(Account(a), Account(b));
        Assert.Contains("/sa/gemma-7b-bake", b.Plan.Steps.Single(s => s.Id == "project-iam").Body!.ToJsonString(), StringComparison.Ordinal);
    }
}
