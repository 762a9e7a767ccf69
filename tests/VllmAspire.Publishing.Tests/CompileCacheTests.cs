using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using k8s;
using k8s.Models;
using VllmAspire.Hosting;
using VllmAspire.Hosting.Publishing;
using VllmAspire.Hosting.ServiceProjects;
using VllmAspire.Testing;
using VllmAspire.Testing.Processes;
using VllmAspire.VllmCatalog;

namespace VllmAspire.Publishing.Tests;

/// <summary>
/// Issue 13 item 3: <c>WithCompileCache()</c> bakes vLLM's torch.compile cache with the weights. The bake Job warms it up
/// on the GPU pool with the serving flags; every pod copies it to a writable volume; what vLLM keys it on is part of the
/// weights version; locally the replicas share a cache folder in the data folder.
/// </summary>
public sealed class CompileCacheTests
{
    private static PublishedModel Publish(TestModel model) => model.PublishInMemory();

    private static string Version(TestModel model) => Publish(model).Model.Workloads.Single().WeightsVersion;

    [Fact]
    public void TheBakeJob_DownloadsThenRunsTheServingContainerOnTheGpuPool_WithTheCacheOnTheBakeDisk()
    {
        var p = Publish(new TestModel { CompileCache = true, MaxNumSeqs = 16 });
        var deployment = p.Objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "vllm").Spec.Template.Spec;
        var serving = deployment.Containers.Single();
        var job = p.Objects.OfType<V1Job>().Single().Spec.Template.Spec;

        // The download fills the disk first; the warm-up then runs against it.
        Assert.Equal("download", Assert.Single(job.InitContainers).Name);
        var warmup = Assert.Single(job.Containers);
        Assert.Equal(VllmCompileCacheManifests.WarmupContainerName, warmup.Name);

        // The same image, flags, environment and GPUs as the serving container: what vLLM keys its cache on.
        Assert.Equal(serving.Image, warmup.Image);
        Assert.Equal(["/bin/sh", "-c", VllmCompileCacheManifests.WarmupScript, "compile-cache-warmup"], warmup.Command);
        Assert.Equal(["http://127.0.0.1:8000/health", "python3", "-m", "vllm.entrypoints.openai.api_server", .. serving.Args], warmup.Args);
        Assert.Contains("--max-num-seqs", serving.Args);
        Assert.Equal(serving.Env.Select(e => (e.Name, e.Value)), warmup.Env.Select(e => (e.Name, e.Value)));
        Assert.Equal(VllmCompileCacheManifests.CacheRoot, serving.Env.Single(e => e.Name == VllmCompileCacheKey.CacheRootVariable).Value);
        Assert.Equal(serving.Resources.Limits["nvidia.com/gpu"], warmup.Resources.Limits["nvidia.com/gpu"]);

        // On the serving pool, in the bake disk's zone, tolerating the GPU taint.
        Assert.Equal(deployment.NodeSelector, job.NodeSelector);
        Assert.Equal(deployment.Tolerations.Single().Key, job.Tolerations.Single().Key);

        // The model where the pods mount it, writable; vLLM's cache root on the same disk's hidden folder.
        var bakeVolume = job.Volumes.Single(v => v.PersistentVolumeClaim is not null);
        Assert.Equal(p.Model.Workloads[0].BakeName, bakeVolume.PersistentVolumeClaim.ClaimName);
        var modelMount = warmup.VolumeMounts.Single(m => m.MountPath == "/models/gemma-7b");
        Assert.Equal(bakeVolume.Name, modelMount.Name);
        Assert.NotEqual(true, modelMount.ReadOnlyProperty);
        var cacheMount = warmup.VolumeMounts.Single(m => m.MountPath == VllmCompileCacheManifests.CacheRoot);
        Assert.Equal((bakeVolume.Name, VllmCompileCacheManifests.BakedFolder), (cacheMount.Name, cacheMount.SubPath));

        // The pool's node-pool step waits for nothing new, but the bake Job now waits for the pool.
        var pool = p.Plan.Steps.Single(s => s.Id == "node-pool-vllm-pool");
        Assert.Contains(pool.RequiredBy, o => o.Kind == "Job" && o.Name == p.Model.Workloads[0].BakeName);
    }

    [Fact]
    public void EveryPod_CopiesTheBakedCacheToAWritableVolume_AfterThePrefetchSidecarStarts()
    {
        var spec = Publish(new TestModel { CompileCache = true }).Objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "vllm").Spec.Template.Spec;
        Assert.Equal([VllmPrefetchSidecar.ContainerName, VllmCompileCacheManifests.VolumeName], spec.InitContainers.Select(c => c.Name));
        var seed = spec.InitContainers[1];
        Assert.Equal(["cp", "-a", $"/models/gemma-7b/{VllmCompileCacheManifests.BakedFolder}/.", $"{VllmCompileCacheManifests.CacheRoot}/"], seed.Command);
        Assert.Equal(spec.Containers.Single().Image, seed.Image);
        Assert.Equal(true, seed.VolumeMounts.Single(m => m.MountPath == "/models/gemma-7b").ReadOnlyProperty);

        // vLLM writes into its cache folder even on a hit, so the root is an emptyDir, not the read-only weights disk.
        var vllm = spec.Containers.Single();
        var mount = vllm.VolumeMounts.Single(m => m.MountPath == VllmCompileCacheManifests.CacheRoot);
        Assert.NotNull(spec.Volumes.Single(v => v.Name == mount.Name).EmptyDir);
        Assert.NotEqual(true, mount.ReadOnlyProperty);
        Assert.Equal(true, vllm.VolumeMounts.Single(m => m.MountPath == "/models/gemma-7b").ReadOnlyProperty);
    }

    [Fact]
    public void WithoutTheCache_NothingChanges_AndTheBakeNeedsNoGpu()
    {
        var p = Publish(new TestModel());
        var job = p.Objects.OfType<V1Job>().Single().Spec.Template.Spec;
        Assert.Null(job.InitContainers);
        Assert.Equal("download", job.Containers.Single().Name);
        Assert.DoesNotContain("cloud.google.com/gke-nodepool", job.NodeSelector.Keys);
        var spec = p.Objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "vllm").Spec.Template.Spec;
        Assert.DoesNotContain(spec.Containers.Single().Env, e => e.Name == VllmCompileCacheKey.CacheRootVariable);
        Assert.DoesNotContain(p.Plan.Steps.Single(s => s.Id == "node-pool-vllm-pool").RequiredBy, o => o.Kind == "Job");
    }

    [Fact]
    public void WhatVllmKeysTheCacheOn_IsPartOfTheWeightsVersion()
    {
        var baseline = Version(new TestModel { CompileCache = true });
        Assert.Equal(baseline, Version(new TestModel { CompileCache = true }));
        Assert.NotEqual(Version(new TestModel()), baseline);

        // A new vLLM image, a serving flag, the loader's flags or the GPU type each bake a new weights image with a new cache.
        Assert.NotEqual(baseline, Version(new TestModel { CompileCache = true, Image = "vllm/vllm-openai:v0.10.2" }));
        Assert.NotEqual(baseline, Version(new TestModel { CompileCache = true, Image = "vllm/vllm-openai:v0.10.1-cu129" }));
        Assert.NotEqual(baseline, Version(new TestModel { CompileCache = true, MaxNumSeqs = 32 }));
        Assert.NotEqual(baseline, Version(new TestModel { CompileCache = true, LoadStrategy = VllmLoadStrategy.RunAiStreamer }));
        Assert.NotEqual(baseline, Version(new TestModel { CompileCache = true, MachineType = "a2-highgpu-1g", Accelerator = "nvidia-tesla-a100" }));

        // Without the cache the weights alone name the version: a new image rolls the pods onto the same disks.
        Assert.Equal(Version(new TestModel()), Version(new TestModel { Image = "vllm/vllm-openai:v0.10.2" }));
    }

    [Fact]
    public void TheKey_IsVllmsOwn_OverTheServingFlagsAndEnvironment()
    {
        var workload = Publish(new TestModel { CompileCache = true }).Model.Workloads.Single();
        var key = VllmCompileCacheManifests.Key(workload);
        Assert.Equal("0.10.1", key.Version.Text);
        Assert.Equal("/models/gemma-7b", key.Model);
        Assert.Equal("nvidia-l4", key.Gpu);
        Assert.Contains("--tensor-parallel-size", key.ServingFlags);
        Assert.Contains($"{VllmCompileCacheKey.CacheRootVariable}={VllmCompileCacheManifests.CacheRoot}", key.ServingFlags);
    }

    [Fact]
    public void Publish_RefusesTheCache_OnAPoolWithoutGpu_OrAVllmThatDoesNotCompile()
    {
        var cpu = new TestModel { CompileCache = true, Accelerator = null, Image = "vllm/vllm-openai-cpu:v0.10.1", MachineType = "n2-standard-16" }.Publish();
        Assert.False(cpu.Written);
        Assert.Contains("has WithCompileCache(), but its node pool 'vllm-pool' has no GPU", cpu.Errors, StringComparison.Ordinal);

        var old = new TestModel { CompileCache = true, Image = "vllm/vllm-openai:v0.6.6" }.Publish();
        Assert.Contains("vLLM 0.6.6 (image vllm/vllm-openai:v0.6.6) does not torch.compile by default: the compile cache needs vLLM 0.8.0 or later", old.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePublishedObjects_WithTheCache_PassTheOfficialSchemas()
    {
        var (exitCode, output) = await new TestModel { CompileCache = true }.ValidateAgainstSchemasAsync();
        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task Locally_WithCompileCacheAddsNothing_TheReplicasAlreadyShareOneCacheFolderInTheDataFolder()
    {
        // Called twice, as a model may: still one annotation and one cache root, the simulator's own.
        var model = new TestModel { CompileCache = true, Configure = (_, _, vllm) => vllm.WithCompileCache() };
        using var app = model.Build(publishMode: false);
        var vllm = app.Model.Resources.OfType<VllmResource>().Single();
        Assert.Single(vllm.Annotations.OfType<VllmCompileCacheAnnotation>());
        var args = new List<object>();
        foreach (var callback in vllm.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(new CommandLineArgsCallbackContext(args, vllm));
        }

        var flag = Assert.Single(Enumerable.Range(0, args.Count), i => Equals(args[i], "--compile-cache-root"));
        Assert.EndsWith(Path.Combine(".vllm-aspire", "vllm", "compile-cache"), (string)args[flag + 1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheWarmupScript_StopsVllmOnceItServes_AndTheCacheIsWritten_AFirstStartThenHits()
    {
        var root = Directory.CreateTempSubdirectory("vllm-aspire-warmup-").FullName;
        try
        {
            var model = Path.Combine(root, "model");
            await Hosting.Weights.SampleModel.EnsureAsync(model, 4L << 20, 1, CancellationToken.None);
            string Cache(int serverPort) => Path.Combine(root, "cache-" + serverPort.ToString(CultureInfo.InvariantCulture));
            string[] Server(int serverPort) => ["dotnet", VllmSimulatorProject.TargetPath, "--model", model, "--host", "127.0.0.1", "--port", serverPort.ToString(CultureInfo.InvariantCulture),
                "--compile-cache-root", Cache(serverPort), "--startup-time-scale", "0"];

            // The bake Job's program, with the simulator standing in for vLLM's server. The script needs the port in
            // advance: one taken before the simulator bound it is tried again on another, with a fresh cache.
            var (warmup, port) = await LoopbackPort.StartAsync(
                free => TestProcess.Start("/bin/sh", ["-c", VllmCompileCacheManifests.WarmupScript, "compile-cache-warmup", $"http://127.0.0.1:{free}/health", .. Server(free)]),
                started => started.WaitForExitAsync(TimeSpan.FromMinutes(2)));
            await using (warmup)
            {
                Assert.True(warmup.Process.ExitCode == 0, warmup.Describe());
                Assert.Contains(warmup.OutputLines, l => l.Contains("vLLM is serving, its torch.compile cache is on the bake disk", StringComparison.Ordinal));
                var entries = Directory.GetFiles(Cache(port), VllmCompileCacheKey.IndexFileName, SearchOption.AllDirectories);
                Assert.Single(entries);
            }

            // A pod started from that cache loads the graphs instead of compiling them.
            await using var pod = TestProcess.Start("dotnet", Server(port)[1..]);
            var compile = await pod.WaitForLineAsync(l => VllmStartupLog.TryParse(l.Text, out _, out var mark) && mark.Kind is VllmStartupMarkKind.CompileCacheHit or VllmStartupMarkKind.GraphCompiled,
                "the simulated torch.compile", TimeSpan.FromMinutes(1));
            Assert.True(VllmStartupLog.TryParse(compile, out _, out var first) && first.Kind == VllmStartupMarkKind.CompileCacheHit, pod.Describe());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task TheWarmupScript_Fails_WhenVllmExitsBeforeItServes()
    {
        // A port held and not listened on: nothing else can answer the script's probe there.
        using var port = LoopbackPort.Refusing();
        await using var warmup = TestProcess.Start("/bin/sh", ["-c", VllmCompileCacheManifests.WarmupScript, "compile-cache-warmup", $"http://127.0.0.1:{port.Port}/health",
            "dotnet", VllmSimulatorProject.TargetPath, "--model", "/nonexistent/model", "--port", port.Port.ToString(CultureInfo.InvariantCulture)]);
        Assert.True(await warmup.WaitForExitAsync(TimeSpan.FromMinutes(2)) == 1, warmup.Describe());
        Assert.Contains(warmup.ErrorLines, l => l.Contains("before it served; no cache was written", StringComparison.Ordinal));
    }
}
