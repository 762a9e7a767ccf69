using k8s.Models;
using VllmAspire.Hosting;
using VllmAspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Publishing;

namespace VllmAspire.Publishing.Tests;

/// <summary>Issue 7 in publish: the prefetch native sidecar, the pod memory rule (storage.md §6) and vLLM's loader flags per version.</summary>
public sealed class PrefetchSidecarTests
{
    private const long GiB = 1L << 30;

    private static V1PodSpec PodSpec(TestModel model)
    {
        using var app = model.Build();
        var publish = GkePublishModel.TryCreate(app.Model, out var problems);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        return KubernetesManifestBuilder.Build(publish!).OfType<V1Deployment>().Single(d => d.Metadata.Name == "vllm").Spec.Template.Spec;
    }

    private static long Bytes(ResourceQuantity quantity) => (long)quantity.ToDecimal();

    [Fact]
    public void ByDefault_ThePodGetsThePrefetcherAsANativeSidecar_ReadingVllmsWeightsMount()
    {
        var spec = PodSpec(new TestModel { Memory = new VllmMemoryAnnotation(32) });
        var sidecar = Assert.Single(spec.InitContainers);
        Assert.Equal(VllmPrefetchSidecar.ContainerName, sidecar.Name);
        Assert.Equal("Always", sidecar.RestartPolicy);
        Assert.Null(sidecar.StartupProbe); // a startup probe would hold vLLM back until the prefetch is done
        Assert.Equal($"us-central1-docker.pkg.dev/my-project/vllm/vllm-aspire-provisioner:{ProvisionerContainerImage.Tag}", sidecar.Image);
        var vllm = spec.Containers.Single();
        var vllmMount = vllm.VolumeMounts.Single(m => m.Name == VllmDeploymentBuilder.WeightsVolume);
        var sidecarMount = Assert.Single(sidecar.VolumeMounts);
        Assert.Equal((vllmMount.Name, vllmMount.MountPath, true), (sidecarMount.Name, sidecarMount.MountPath, sidecarMount.ReadOnlyProperty == true));
        Assert.Equal(["prefetch", vllmMount.MountPath, "--keep-running"], sidecar.Args.Take(3));
        Assert.Equal("16", sidecar.Args[sidecar.Args.IndexOf("--concurrency") + 1]);

        // The 32 GiB pod limit: the sidecar holds the 15.9 GiB it reads plus itself; vLLM gets the rest.
        var model = (long)Math.Ceiling(15.9 * GiB);
        var sidecarLimit = Bytes(sidecar.Resources.Limits["memory"]);
        Assert.InRange(sidecarLimit, model + VllmLoaderSettings.PrefetchSidecarBytes, model + VllmLoaderSettings.PrefetchSidecarBytes + (1 << 20));
        Assert.InRange(Bytes(vllm.Resources.Limits["memory"]) + sidecarLimit, 32 * GiB - (1 << 20), 32 * GiB);
        Assert.Equal(vllm.Resources.Limits["memory"], vllm.Resources.Requests["memory"]);
        Assert.Equal("1", vllm.Resources.Requests["nvidia.com/gpu"].ToString());
        // vLLM's own default loader: no loader flags with the sidecar.
        Assert.DoesNotContain("--load-format", vllm.Args);
    }

    [Fact]
    public void TheSidecarNeedsTheRegistry_ElseExitTwoNamingTheParameter()
    {
        var model = new TestModel();
        model.Parameters.Remove("container-registry");
        var (exitCode, errors, written) = model.Publish();
        Assert.Equal(2, exitCode);
        Assert.Contains("Parameter 'container-registry' is missing", errors, StringComparison.Ordinal);
        Assert.Contains("Parameters__container-registry", errors, StringComparison.Ordinal);
        Assert.Contains("VllmLoadStrategy.Default", errors, StringComparison.Ordinal);
        Assert.False(written);

        model.Parameters["container-registry"] = "https://us-central1-docker.pkg.dev/p/r";
        Assert.Contains("is not a registry and repository path", model.Publish().Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutTheSidecar_NoRegistryIsNeeded_AndThePodHasNoInitContainer()
    {
        var model = new TestModel { LoadStrategy = VllmLoadStrategy.Default };
        model.Parameters.Remove("container-registry");
        var spec = PodSpec(model);
        Assert.Null(spec.InitContainers);
    }

    [Fact]
    public void APodLimitThatCannotHoldModelAndVllm_IsRefusedWithTheNumbers()
    {
        // The seed's 20 Gi limit with Gemma 7B: 15.9 + 6.0 + 0.4 GiB do not fit.
        var (exitCode, errors, written) = new TestModel { Memory = new VllmMemoryAnnotation(20) }.Publish();
        Assert.Equal(2, exitCode);
        Assert.Contains("the pod memory limit 20.0 GiB cannot hold PrefetchSidecar loading: it needs 22.3 GiB (model 15.9 GiB + vLLM host memory 6.0 GiB + prefetch sidecar 0.4 GiB)", errors, StringComparison.Ordinal);
        Assert.Contains("WithMemoryLimit(20)", errors, StringComparison.Ordinal);
        Assert.False(written);

        // The same limit holds the mmap loader alone: only vLLM's own memory must fit.
        Assert.Equal(0, new TestModel { Memory = new VllmMemoryAnnotation(20), LoadStrategy = VllmLoadStrategy.Default }.Publish().ExitCode);
    }

    [Fact]
    public void WithoutALimit_TheNodesAllocatableMemoryMustHoldIt()
    {
        // g2-standard-4: 16 GiB, 13.3 GiB allocatable after GKE's reservation.
        var (exitCode, errors, _) = new TestModel { MachineType = "g2-standard-4" }.Publish();
        Assert.Equal(2, exitCode);
        Assert.Contains("the pod memory limit 13.3 GiB cannot hold PrefetchSidecar loading", errors, StringComparison.Ordinal);
        Assert.Contains("allocatable memory of a g2-standard-4 node", errors, StringComparison.Ordinal);

        Assert.Contains("more than a g2-standard-16 node can give a pod (58.4 GiB allocatable)",
            new TestModel { Memory = new VllmMemoryAnnotation(64) }.Publish().Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(VllmLoadStrategy.RunAiStreamer, "vllm/vllm-openai:v0.10.1", new[] { "--load-format", "runai_streamer" })]
    [InlineData(VllmLoadStrategy.MultithreadLoad, "vllm/vllm-openai:v0.10.2", new[] { "--model-loader-extra-config", """{"enable_multithread_load":true,"num_threads":16}""" })]
    [InlineData(VllmLoadStrategy.VllmPrefetch, "vllm/vllm-openai:v0.26.0", new[] { "--safetensors-load-strategy", "prefetch" })]
    public void AParallelLoader_GetsItsFlagsForTheVersion_AndNoSidecar(VllmLoadStrategy strategy, string image, string[] flags)
    {
        var model = new TestModel { LoadStrategy = strategy, Image = image };
        model.Parameters.Remove("container-registry");
        var spec = PodSpec(model);
        Assert.Null(spec.InitContainers);
        var args = spec.Containers.Single().Args;
        var at = args.IndexOf(flags[0]);
        Assert.True(at >= 0, string.Join(' ', args));
        Assert.Equal(flags, args.Skip(at).Take(flags.Length));
        if (strategy == VllmLoadStrategy.RunAiStreamer)
        {
            var env = spec.Containers.Single().Env.ToDictionary(e => e.Name, e => e.Value);
            Assert.Equal("16", env["RUNAI_STREAMER_CONCURRENCY"]);
            Assert.Equal((2 * GiB).ToString(System.Globalization.CultureInfo.InvariantCulture), env["RUNAI_STREAMER_MEMORY_LIMIT"]);
        }
    }

    [Theory]
    [InlineData(VllmLoadStrategy.MultithreadLoad, "vllm/vllm-openai:v0.10.1", "vLLM 0.10.1 has no MultithreadLoad loader: it needs vLLM 0.10.2 or later")]
    [InlineData(VllmLoadStrategy.RunAiStreamer, "vllm/vllm-openai:v0.6.3", "vLLM 0.6.3 has no RunAiStreamer loader: it needs vLLM 0.6.6 or later")]
    public void ALoaderTheImagesVersionLacks_ExitsTwo(VllmLoadStrategy strategy, string image, string expected)
    {
        var (exitCode, errors, written) = new TestModel { LoadStrategy = strategy, Image = image }.Publish();
        Assert.Equal(2, exitCode);
        Assert.Contains(expected, errors, StringComparison.Ordinal);
        Assert.Contains("WithLoadStrategy", errors, StringComparison.Ordinal);
        Assert.False(written);
    }

    [Fact]
    public void TheImageCache_AlsoHoldsTheSidecarsImage()
    {
        using var app = new TestModel { ImageCacheName = "cache" }.Build();
        var plan = GkePlanBuilder.Build(GkePublishModel.TryCreate(app.Model, out _)!);
        var script = (string)plan.Steps.Single(s => s.Id == "image-cache-builder").Body!["metadata"]!["items"]![0]!["value"]!;
        Assert.Contains($"'us-central1-docker.pkg.dev/my-project/vllm/vllm-aspire-provisioner:{ProvisionerContainerImage.Tag}'", script, StringComparison.Ordinal);
        Assert.Contains("'docker.io/vllm/vllm-openai:v0.10.1'", script, StringComparison.Ordinal);
    }

    [Fact]
    public void ThePlanListsTheSidecarsImage_ForDeployToBuildAndPushBeforeTheImageCache()
    {
        using var app = new TestModel { ImageCacheName = "cache" }.Build();
        var root = Directory.CreateTempSubdirectory("vllm-aspire-sidecar-").FullName;
        try
        {
            var output = new StringWriter();
            Assert.Equal(0, GkePublisher.Publish(app.Model, Path.Combine(root, "out"), output, TextWriter.Null));
            var reference = $"us-central1-docker.pkg.dev/my-project/vllm/vllm-aspire-provisioner:{ProvisionerContainerImage.Tag}";
            var plan = System.Text.Json.JsonSerializer.Deserialize<VllmAspire.Contracts.Plan.GkePlan>(File.ReadAllText(Path.Combine(root, "out", "gke-plan.json")))!;
            var image = Assert.Single(plan.ContainerImages);
            Assert.Equal((reference, "Provisioner/Provisioner.csproj"), (image.Reference, image.Project));
            Assert.True(File.Exists(Path.Combine(VllmAspire.Testing.RepositoryPaths.Root, image.Project)), image.Project);
            Assert.Contains(reference, plan.Steps.Single(s => s.Id == "image-cache-builder").DependsOn.ContainerImages);
            Assert.Contains($"Deploy builds and pushes {reference} from Provisioner/Provisioner.csproj.", output.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("-t:PublishContainer", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
