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

        var bake = stages["weights-bake-gemma-7b"];
        Assert.Contains("kubernetes/Job/vllm/gemma-7b-bake", bake.Provides);
        Assert.Equal(["kubernetes-base", "gemma-7b-bake-disk", "project-iam"], bake.DependsOn);
        Assert.Equal(["kubernetes-base", "gemma-7b-disk-us-central1-a"], stages["weights-volumes-gemma-7b"].DependsOn);
        Assert.Equal(["kubernetes-base", "weights-volumes-gemma-7b", "node-pool-vllm-pool"], stages["workload-vllm"].DependsOn);
        Assert.Equal(["kubernetes-base", "workload-vllm", "metrics-adapter"], stages["hpa"].DependsOn);
        Assert.Contains("project-iam", stages["metrics-adapter"].DependsOn);

        // Every published object belongs to exactly one stage, and every plan step the stages name exists.
        var provided = bed.Stages.SelectMany(s => s.Provides).ToList();
        Assert.Equal(bed.Manifests.Objects.Select(o => o.Key).Order(), provided.Order());
        var planSteps = bed.Plan.Steps.Select(s => s.Id).ToHashSet();
        Assert.All(bed.Stages.SelectMany(s => s.DependsOn), d => Assert.True(stages.ContainsKey(d) || planSteps.Contains(d), d));

        // The plan's image step waits for the Job the bake stage provides.
        Assert.Contains("kubernetes/Job/vllm/gemma-7b-bake", bed.Plan.Steps.Single(s => s.Id == "gemma-7b-image").DependsOn);
    }
}
