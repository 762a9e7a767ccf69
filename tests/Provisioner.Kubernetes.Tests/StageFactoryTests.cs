using System.Text.Json;
using k8s.Models;
using VllmAspire.Contracts.Plan;
using VllmAspire.Provisioner.Stages.Kubernetes;

namespace VllmAspire.Provisioner.Kubernetes.Tests;

public sealed class StageFactoryTests
{
    [Fact]
    public async Task Create_GroupsTheGoldenObjects_AndTiesThemToThePlansSteps()
    {
        await using var bed = await TestBed.StartAsync();
        var stages = bed.Stages.ToDictionary(s => s.Name);

        Assert.Equal(["kubernetes-base", "weights-bake-gemma-7b", "weights-volumes-gemma-7b", "metrics-adapter", "workload-vllm", "hpa"], bed.Stages.Select(s => s.Name));

        // The bake and disk steps are named by the weights version; the stages wait on the plan's steps that create them.
        var bakeDisk = DiskStep(bed, bed.Manifests.OfKind(KubernetesKinds.PersistentVolume).Single(o => o.Labels["app.kubernetes.io/component"] == "weights-bake"));
        Assert.Equal($"{bed.BakeJob.Name}-disk", bakeDisk);
        var bake = stages["weights-bake-gemma-7b"];
        Assert.Contains(bed.BakeJob.Key, bake.Provides);
        Assert.Equal(["kubernetes-base", bakeDisk, "project-iam"], bake.DependsOn);
        Assert.Equal(["kubernetes-base", DiskStep(bed, bed.WeightsVolume)], stages["weights-volumes-gemma-7b"].DependsOn);
        // The pods' sidecar runs our image, which deploy builds and pushes first.
        Assert.Equal(["kubernetes-base", "weights-volumes-gemma-7b", "node-pool-vllm-pool", bed.Plan.ContainerImages.Single().Reference], stages["workload-vllm"].DependsOn);
        Assert.Equal(["kubernetes-base", "workload-vllm", "metrics-adapter"], stages["hpa"].DependsOn);
        Assert.Contains("project-iam", stages["metrics-adapter"].DependsOn);

        // Every published object belongs to exactly one stage, and every plan step or image the stages name exists.
        var provided = bed.Stages.SelectMany(s => s.Provides).ToList();
        Assert.Equal(bed.Manifests.Objects.Select(o => o.Key).Order(), provided.Order());
        var planSteps = bed.Plan.Steps.Select(s => s.Id).Concat(bed.Plan.ContainerImages.Select(i => i.Reference)).ToHashSet();
        Assert.All(bed.Stages.SelectMany(s => s.DependsOn), d => Assert.True(stages.ContainsKey(d) || planSteps.Contains(d), d));

        // The plan's image step waits for the Job the bake stage provides.
        Assert.Contains(bed.BakeJob.Key, bed.Plan.Steps.Single(s => s.ApiMethod == "compute.images.insert" && s.DependsOn.Steps.Contains(bakeDisk)).DependsOn.Keys);
    }

    [Fact]
    public void Create_GroupsTheTwoZoneGolden_WithOneWorkloadStageForBothZonesDeployments()
    {
        var manifests = ManifestSet.Load(Paths.GoldenTwoZonesOutput);
        var plan = JsonSerializer.Deserialize<GkePlan>(File.ReadAllText(Path.Combine(Paths.GoldenTwoZonesOutput, "gke-plan.json")))!;

        var stages = KubernetesStageFactory.Create(manifests, plan);

        Assert.Equal(["kubernetes-base", "weights-bake-gemma-7b", "weights-volumes-gemma-7b", "metrics-adapter", "workload-vllm", "hpa"], stages.Select(s => s.Name));
        var byName = stages.ToDictionary(s => s.Name);
        var deployments = manifests.OfKind(KubernetesKinds.Deployment).Where(o => o.Labels["app.kubernetes.io/component"] == "inference-server").ToList();
        Assert.Equal(2, deployments.Count);

        // Both zones' Deployments, the shared Service and PodMonitoring roll out in one stage, after both zones' claims.
        string[] workload = [.. deployments.Select(d => d.Key), "kubernetes/Service/vllm/vllm", "kubernetes/PodMonitoring/vllm/vllm"];
        Assert.Equal(workload.Order(), byName["workload-vllm"].Provides.Order());
        Assert.Equal(["vllm-us-central1-a", "vllm-us-central1-b"], deployments.Select(d => d.Name).Order());
        var volumes = byName["weights-volumes-gemma-7b"];
        Assert.Equal(2, volumes.Objects.Count(o => o.Kind == KubernetesKinds.PersistentVolumeClaim));
        var diskSteps = volumes.Objects.Where(o => o.Kind == KubernetesKinds.PersistentVolume).Select(o => DiskStep(plan, o)).ToList();
        Assert.Equal(["kubernetes-base", .. diskSteps], volumes.DependsOn);
        Assert.Equal(2, diskSteps.Distinct().Count());
        Assert.Contains("weights-volumes-gemma-7b", byName["workload-vllm"].DependsOn);
        Assert.Contains("workload-vllm", byName["hpa"].DependsOn);
        Assert.Equal(2, byName["hpa"].Objects.Count);

        // Every object has one stage, and every dependency is a stage, a plan step or an image deploy builds.
        Assert.Equal(manifests.Objects.Select(o => o.Key).Order(), stages.SelectMany(s => s.Provides).Order());
        var planSteps = plan.Steps.Select(s => s.Id).Concat(plan.ContainerImages.Select(i => i.Reference)).ToHashSet();
        Assert.All(stages.SelectMany(s => s.DependsOn), d => Assert.True(byName.ContainsKey(d) || planSteps.Contains(d), d));
    }

    [Fact]
    public void A_stage_waits_for_exactly_the_plan_steps_whose_requiredBy_names_one_of_its_objects()
    {
        var manifests = ManifestSet.Load(Paths.GoldenOutput);
        var plan = JsonSerializer.Deserialize<GkePlan>(File.ReadAllText(Path.Combine(Paths.GoldenOutput, "gke-plan.json")))!;
        Assert.Contains("node-pool-vllm-pool", KubernetesStageFactory.Create(manifests, plan).Single(s => s.Name == "workload-vllm").DependsOn);

        // The edges are read from the plan, not worked out from node selectors, volume handles or IAM members: without
        // the pool's requiredBy the workload no longer waits for the pool, and a step naming the namespace holds back the base.
        var edited = plan with
        {
            Steps = [.. plan.Steps.Select(s => s.Id switch
            {
                "node-pool-vllm-pool" => s with { RequiredBy = [] },
                "project-iam" => s with { RequiredBy = [.. s.RequiredBy, new GkePlanKubernetesObject { Kind = "Namespace", Name = "vllm" }] },
                _ => s,
            })],
        };
        var stages = KubernetesStageFactory.Create(manifests, edited).ToDictionary(s => s.Name);

        Assert.DoesNotContain("node-pool-vllm-pool", stages["workload-vllm"].DependsOn);
        Assert.Equal(["project-iam"], stages["kubernetes-base"].DependsOn);
    }

    [Fact]
    public void StandbyPlaceholders_GetTheirOwnStage_AfterTheirPool_AndThePriorityClassIsBase()
    {
        // The golden output plus what WithStandbyCapacity publishes: a PriorityClass and a pause Deployment the pool's step is required by.
        var root = Directory.CreateTempSubdirectory("vllm-aspire-standby-stages-").FullName;
        try
        {
            var folder = Path.Combine(root, "kubernetes");
            Directory.CreateDirectory(folder);
            foreach (var file in Directory.GetFiles(Path.Combine(Paths.GoldenOutput, "kubernetes"), "*.yaml"))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }

            var labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "vllm-pool-standby", ["app.kubernetes.io/component"] = "standby-capacity", ["app.kubernetes.io/part-of"] = "vllm" };
            var priority = new V1PriorityClass { ApiVersion = "scheduling.k8s.io/v1", Kind = "PriorityClass", Metadata = new V1ObjectMeta { Name = "vllm-standby", Labels = labels }, Value = -1 };
            var placeholders = new V1Deployment
            {
                ApiVersion = "apps/v1", Kind = "Deployment",
                Metadata = new V1ObjectMeta { Name = "vllm-pool-standby", NamespaceProperty = "vllm", Labels = labels },
                Spec = new V1DeploymentSpec
                {
                    Replicas = 1,
                    Selector = new V1LabelSelector { MatchLabels = labels },
                    Template = new V1PodTemplateSpec
                    {
                        Metadata = new V1ObjectMeta { Labels = labels },
                        Spec = new V1PodSpec { PriorityClassName = "vllm-standby", Containers = [new V1Container { Name = "placeholder", Image = "registry.k8s.io/pause:3.10" }] },
                    },
                },
            };
            File.WriteAllText(Path.Combine(folder, "priorityclass-vllm-standby.yaml"), k8s.KubernetesYaml.Serialize(priority));
            File.WriteAllText(Path.Combine(folder, "deployment-vllm-pool-standby.yaml"), k8s.KubernetesYaml.Serialize(placeholders));
            var plan = JsonSerializer.Deserialize<GkePlan>(File.ReadAllText(Path.Combine(Paths.GoldenOutput, "gke-plan.json")))!;
            plan = plan with
            {
                Steps = [.. plan.Steps.Select(s => s.Id == "node-pool-vllm-pool"
                    ? s with { RequiredBy = [.. s.RequiredBy, new GkePlanKubernetesObject { Kind = "Deployment", Namespace = "vllm", Name = "vllm-pool-standby" }] }
                    : s)],
            };

            var stages = KubernetesStageFactory.Create(ManifestSet.Load(root), plan).ToDictionary(s => s.Name);

            var standby = stages[KubernetesStageFactory.StandbyCapacityStage];
            Assert.Equal(["kubernetes/Deployment/vllm/vllm-pool-standby"], standby.Provides);
            Assert.Equal(["kubernetes-base", "node-pool-vllm-pool"], standby.DependsOn);
            Assert.Contains("kubernetes/PriorityClass/vllm-standby", stages["kubernetes-base"].Provides);
            // Not a workload of its own: no stage reports a pause pod's start-up or prunes weights for it.
            Assert.DoesNotContain(stages.Keys, k => k.StartsWith(KubernetesStageFactory.WorkloadStagePrefix + "vllm-pool", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string DiskStep(TestBed bed, ManifestObject volume) => DiskStep(bed.Plan, volume);

    // The plan step that inserts the disk a PV's volume handle names (projects/P/zones/Z/disks/NAME).
    private static string DiskStep(GkePlan plan, ManifestObject volume)
    {
        var disk = ((V1PersistentVolume)volume.Object).Spec.Csi.VolumeHandle.Split('/')[^1];
        return plan.Steps.Single(s => s.ApiMethod == "compute.disks.insert" && (string?)s.Body?["name"] == disk).Id;
    }
}
