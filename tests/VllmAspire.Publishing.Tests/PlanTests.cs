using VllmAspire.Hosting.Publishing;

namespace VllmAspire.Publishing.Tests;

public sealed class PlanTests
{
    [Fact]
    public void WithoutImageCache_ThePoolHasNoSecondaryBootDisk_AndNoBuilderSteps()
    {
        using var app = new TestModel().Build();
        var plan = GkePlanBuilder.Build(app.PublishModel());
        Assert.DoesNotContain(plan.Steps, s => s.Id.StartsWith("image-cache", StringComparison.Ordinal));
        var pool = plan.Steps.Single(s => s.Id == "node-pool-vllm-pool");
        Assert.Empty(pool.DependsOn);
        Assert.Null(pool.Body!["nodePool"]!["config"]!["secondaryBootDisks"]);
    }

    [Fact]
    public void WithImageCache_TheBuilderPullsTheVllmImage_AndThePoolWaitsForTheImage()
    {
        using var app = new TestModel { ImageCacheName = "vllm-cache" }.Build();
        var plan = GkePlanBuilder.Build(app.PublishModel());
        Assert.Equal(["image-cache-disk", "image-cache-builder", "image-cache-image", "node-pool-vllm-pool"], plan.Steps.Take(4).Select(s => s.Id));
        var script = (string)plan.Steps[1].Body!["metadata"]!["items"]![0]!["value"]!;
        Assert.Contains("ctr -n k8s.io image pull", script, StringComparison.Ordinal);
        Assert.Contains("'docker.io/vllm/vllm-openai:v0.10.1'", script, StringComparison.Ordinal);
        Assert.Contains(GkePlanBuilder.ImageCacheDoneSentinel, script, StringComparison.Ordinal);
        Assert.Equal(["image-cache-image"], plan.Steps[3].DependsOn);
    }

    [Fact]
    public void RequestIds_AreStableAcrossPublishes_AndDifferPerStepAndProject()
    {
        using var first = new TestModel().Build();
        using var second = new TestModel().Build();
        var a = GkePlanBuilder.Build(first.PublishModel()).Steps.Select(s => s.Url).ToList();
        var b = GkePlanBuilder.Build(second.PublishModel()).Steps.Select(s => s.Url).ToList();
        Assert.Equal(a, b);
        var ids = a.Where(u => u.Contains("requestId=", StringComparison.Ordinal)).Select(u => u[(u.IndexOf("requestId=", StringComparison.Ordinal) + 10)..]).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.NotEqual(Guid.Empty, Guid.Parse(id)));
        Assert.NotEqual(GkePlanBuilder.RequestId("p1", "x"), GkePlanBuilder.RequestId("p2", "x"));
    }

    [Fact]
    public void WeightsDisk_IsMadeFromTheBakedImage_AfterTheBakeJob()
    {
        using var app = new TestModel().Build();
        var publish = app.PublishModel();
        var v = publish.Workloads[0].WeightsVersion;
        var steps = GkePlanBuilder.Build(publish).Steps;
        var image = steps.Single(s => s.Id == $"gemma-7b-{v}-image");
        Assert.Contains($"kubernetes/Job/vllm/gemma-7b-{v}-bake", image.DependsOn);
        Assert.Equal($"projects/my-project/zones/us-central1-a/disks/gemma-7b-{v}-bake", (string?)image.Body!["sourceDisk"]);
        var disk = steps.Single(s => s.Id == $"gemma-7b-{v}-disk-us-central1-a");
        Assert.Equal($"projects/my-project/global/images/gemma-7b-weights-{v}", (string?)disk.Body!["sourceImage"]);
        Assert.Equal("2048", (string?)disk.Body["sizeGb"]);
        Assert.True(steps.ToList().FindIndex(s => s.Id == "project-iam") < steps.ToList().FindIndex(s => s.Id == $"gemma-7b-{v}-bake-disk"));
    }
}
