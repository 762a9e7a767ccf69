using VllmAspire.Contracts.Plan;
using VllmAspire.Hosting.Publishing;

namespace VllmAspire.Publishing.Tests;

public sealed class PlanTests
{
    [Fact]
    public void WithoutImageCache_ThePoolHasNoSecondaryBootDisk_AndNoBuilderSteps()
    {
        using var app = new TestModel().Build();
        var plan = GkePlanBuilder.Build(GkePublishModel.TryCreate(app.Model, out _)!);
        Assert.DoesNotContain(plan.Steps, s => s.Id.StartsWith("image-cache", StringComparison.Ordinal));
        var pool = plan.Steps.Single(s => s.Id == "node-pool-vllm-pool");
        Assert.True(pool.DependsOn.IsEmpty);
        Assert.Null(pool.Body!["nodePool"]!["config"]!["secondaryBootDisks"]);
    }

    [Fact]
    public void WithImageCache_TheBuilderPullsTheVllmImage_AndThePoolWaitsForTheImage()
    {
        using var app = new TestModel { ImageCacheName = "vllm-cache" }.Build();
        var plan = GkePlanBuilder.Build(GkePublishModel.TryCreate(app.Model, out _)!);
        Assert.Equal(["image-cache-disk", "image-cache-builder", "image-cache-image", "node-pool-vllm-pool"], plan.Steps.Take(4).Select(s => s.Id));
        var script = (string)plan.Steps[1].Body!["metadata"]!["items"]![0]!["value"]!;
        Assert.Contains("ctr -n k8s.io image pull", script, StringComparison.Ordinal);
        Assert.Contains("'docker.io/vllm/vllm-openai:v0.10.1'", script, StringComparison.Ordinal);
        Assert.Contains(ImageCacheSentinels.Done, script, StringComparison.Ordinal);
        Assert.Equal(["image-cache-image"], plan.Steps[3].DependsOn.Steps);
    }

    [Fact]
    public void RequestIds_AreStableAcrossPublishes_AndDifferPerStepAndProject()
    {
        using var first = new TestModel().Build();
        using var second = new TestModel().Build();
        var a = GkePlanBuilder.Build(GkePublishModel.TryCreate(first.Model, out _)!).Steps.Select(s => s.Url).ToList();
        var b = GkePlanBuilder.Build(GkePublishModel.TryCreate(second.Model, out _)!).Steps.Select(s => s.Url).ToList();
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
        var publish = GkePublishModel.TryCreate(app.Model, out _)!;
        var v = publish.Workloads[0].WeightsVersion;
        var steps = GkePlanBuilder.Build(publish).Steps;
        var image = steps.Single(s => s.Id == $"gemma-7b-{v}-image");
        Assert.Contains(new GkePlanKubernetesObject { Kind = "Job", Namespace = "vllm", Name = $"gemma-7b-{v}-bake" }, image.DependsOn.KubernetesObjects);
        Assert.Equal($"projects/my-project/zones/us-central1-a/disks/gemma-7b-{v}-bake", (string?)image.Body!["sourceDisk"]);
        var disk = steps.Single(s => s.Id == $"gemma-7b-{v}-disk-us-central1-a");
        Assert.Equal($"projects/my-project/global/images/gemma-7b-weights-{v}", (string?)disk.Body!["sourceImage"]);
        Assert.Equal("2048", (string?)disk.Body["sizeGb"]);
        Assert.True(steps.ToList().FindIndex(s => s.Id == "project-iam") < steps.ToList().FindIndex(s => s.Id == $"gemma-7b-{v}-bake-disk"));
    }

    [Fact]
    public void TheObjectsThatNeedACloudResource_AreNamedByItsStep()
    {
        using var app = new TestModel().Build();
        var publish = GkePublishModel.TryCreate(app.Model, out _)!;
        var v = publish.Workloads[0].WeightsVersion;
        var steps = GkePlanBuilder.Build(publish).Steps.ToDictionary(s => s.Id);

        // Deploy reads these edges instead of matching volume handles, node selectors and IAM members against the requests.
        Assert.Equal([$"kubernetes/PersistentVolume/gemma-7b-{v}-bake"], steps[$"gemma-7b-{v}-bake-disk"].RequiredBy.Select(o => o.Key));
        Assert.Equal([$"kubernetes/PersistentVolume/gemma-7b-{v}-us-central1-a"], steps[$"gemma-7b-{v}-disk-us-central1-a"].RequiredBy.Select(o => o.Key));
        Assert.Equal(["kubernetes/Deployment/vllm/vllm"], steps["node-pool-vllm-pool"].RequiredBy.Select(o => o.Key));
        Assert.Equal([$"kubernetes/Job/vllm/gemma-7b-{v}-bake", "kubernetes/Deployment/custom-metrics/custom-metrics-stackdriver-adapter"],
            steps["project-iam"].RequiredBy.Select(o => o.Key));
        Assert.Empty(steps[$"gemma-7b-{v}-image"].RequiredBy);
    }

    [Fact]
    public async Task TheBuilderScript_IsValidBash_WithEveryImageQuotedAndEveryPlaceholderFilled()
    {
        using var app = new TestModel { ImageCacheName = "vllm-cache" }.Build();
        var plan = GkePlanBuilder.Build(GkePublishModel.TryCreate(app.Model, out _)!);
        var builder = plan.Steps.Single(s => s.Id == "image-cache-builder").BodyAs<VllmAspire.Contracts.Plan.Compute.Instance>();
        var script = Assert.Single(builder.Metadata!.Items, i => i.Key == "startup-script").Value!;

        Assert.StartsWith("#!/bin/bash\n", script, StringComparison.Ordinal);
        Assert.DoesNotMatch("@[A-Z_]+@", script);
        Assert.Matches("\nimages=\\('docker.io/vllm/vllm-openai:v0.10.1'( '[^']+')*\\)\n", script);
        Assert.Contains("device='secondary-disk-image-disk'", script, StringComparison.Ordinal);
        Assert.Contains($"done_line='{ImageCacheSentinels.Done}'", script, StringComparison.Ordinal);
        Assert.Contains($"failed_line='{ImageCacheSentinels.Failed}'", script, StringComparison.Ordinal);
        Assert.Contains("secondary-disk-image-disk", builder.Disks.Select(d => d.DeviceName));

        // bash -n parses the whole script without running it.
        var psi = new System.Diagnostics.ProcessStartInfo("bash", "-n") { RedirectStandardInput = true, RedirectStandardError = true };
        using var bash = System.Diagnostics.Process.Start(psi)!;
        await bash.StandardInput.WriteAsync(script);
        bash.StandardInput.Close();
        var errors = await bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(bash.ExitCode == 0, errors);
    }
}
