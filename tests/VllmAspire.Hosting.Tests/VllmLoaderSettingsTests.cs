using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using VllmAspire.Hosting;

namespace VllmAspire.Hosting.Tests;

public sealed class VllmLoaderSettingsTests
{
    private const long GiB = 1L << 30;

    [Theory]
    [InlineData("0.5.3", new[] { VllmLoadStrategy.PrefetchSidecar, VllmLoadStrategy.Default })]
    [InlineData("v0.6.5", new[] { VllmLoadStrategy.PrefetchSidecar, VllmLoadStrategy.Default })]
    [InlineData("v0.6.6", new[] { VllmLoadStrategy.PrefetchSidecar, VllmLoadStrategy.RunAiStreamer, VllmLoadStrategy.Default })]
    [InlineData("0.10.1", new[] { VllmLoadStrategy.PrefetchSidecar, VllmLoadStrategy.RunAiStreamer, VllmLoadStrategy.Default })]
    [InlineData("0.10.2", new[] { VllmLoadStrategy.PrefetchSidecar, VllmLoadStrategy.RunAiStreamer, VllmLoadStrategy.MultithreadLoad, VllmLoadStrategy.Default })]
    [InlineData("v0.21.0-cu129", new[] { VllmLoadStrategy.PrefetchSidecar, VllmLoadStrategy.RunAiStreamer, VllmLoadStrategy.MultithreadLoad, VllmLoadStrategy.Default })]
    [InlineData("v0.26.0", new[] { VllmLoadStrategy.PrefetchSidecar, VllmLoadStrategy.VllmPrefetch, VllmLoadStrategy.RunAiStreamer, VllmLoadStrategy.MultithreadLoad, VllmLoadStrategy.Default })]
    [InlineData("latest", new[] { VllmLoadStrategy.PrefetchSidecar, VllmLoadStrategy.Default })]
    public void Supported_loaders_follow_the_version_table(string version, VllmLoadStrategy[] expected) =>
        Assert.Equal(expected, VllmLoaderSettings.Supported(version));

    [Fact]
    public void Flags_per_strategy()
    {
        var runai = VllmLoaderSettings.For(VllmLoadStrategy.RunAiStreamer, "v0.8.5", concurrency: 32);
        Assert.Equal(["--load-format", "runai_streamer"], runai.Args);
        Assert.Equal("32", runai.Environment["RUNAI_STREAMER_CONCURRENCY"]);
        Assert.Equal((2L * GiB).ToString(System.Globalization.CultureInfo.InvariantCulture), runai.Environment["RUNAI_STREAMER_MEMORY_LIMIT"]);
        Assert.False(runai.PrefetchSidecar);

        Assert.Equal(["--model-loader-extra-config", """{"enable_multithread_load":true,"num_threads":16}"""],
            VllmLoaderSettings.For(VllmLoadStrategy.MultithreadLoad, "0.10.2").Args);
        Assert.Equal(["--safetensors-load-strategy", "prefetch"], VllmLoaderSettings.For(VllmLoadStrategy.VllmPrefetch, "0.26.1").Args);

        var sidecar = VllmLoaderSettings.For(VllmLoadStrategy.PrefetchSidecar, "0.5.3");
        Assert.True(sidecar.PrefetchSidecar);
        Assert.Empty(sidecar.Args);
    }

    [Theory]
    [InlineData(VllmLoadStrategy.RunAiStreamer, "v0.6.3", "vLLM 0.6.3 has no RunAiStreamer loader: it needs vLLM 0.6.6 or later")]
    [InlineData(VllmLoadStrategy.MultithreadLoad, "0.10.1", "vLLM 0.10.1 has no MultithreadLoad loader: it needs vLLM 0.10.2 or later")]
    [InlineData(VllmLoadStrategy.VllmPrefetch, "0.25.2", "vLLM 0.25.2 has no VllmPrefetch loader: it needs vLLM 0.26.0 or later")]
    [InlineData(VllmLoadStrategy.RunAiStreamer, "latest", "vLLM version 'latest' is not a pinned release")]
    public void A_loader_the_version_lacks_is_refused_with_the_versions_and_the_fix(VllmLoadStrategy strategy, string version, string expected)
    {
        var ex = Assert.Throws<DistributedApplicationException>(() => VllmLoaderSettings.For(strategy, version));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("PrefetchSidecar", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_prefetch_sidecar_needs_the_model_plus_vllm_plus_itself_in_the_pod_limit()
    {
        var settings = VllmLoaderSettings.For(VllmLoadStrategy.PrefetchSidecar, "0.10.1");
        var model = 16_289L << 20; // Gemma 7B
        var vllm = 4 * GiB;

        Assert.Equal(model + vllm + VllmLoaderSettings.PrefetchSidecarBytes, settings.RequiredPodMemoryBytes(model, vllm));
        // The seed's 20 Gi limit with a 15.9 GiB model and 4 GiB of vLLM is too small once the cache is prewarmed.
        var ex = Assert.Throws<DistributedApplicationException>(() => settings.EnsureFits("vllm", model, vllm, 20 * GiB));
        Assert.Contains("vLLM resource 'vllm': the pod memory limit 20.0 GiB cannot hold PrefetchSidecar loading: it needs 20.3 GiB (model 15.9 GiB + vLLM host memory 4.0 GiB + prefetch sidecar 0.4 GiB)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Raise the memory limit", ex.Message, StringComparison.Ordinal);
        settings.EnsureFits("vllm", model, vllm, 21 * GiB);
    }

    [Fact]
    public void Loaders_that_do_not_prewarm_need_only_their_own_memory()
    {
        var model = 100 * GiB;
        Assert.Equal(4 * GiB, VllmLoaderSettings.For(VllmLoadStrategy.Default, "0.5.3").RequiredPodMemoryBytes(model, 4 * GiB));
        Assert.Equal(6 * GiB, VllmLoaderSettings.For(VllmLoadStrategy.RunAiStreamer, "0.10.1").RequiredPodMemoryBytes(model, 4 * GiB));
        Assert.Equal(104 * GiB, VllmLoaderSettings.For(VllmLoadStrategy.VllmPrefetch, "0.26.0").RequiredPodMemoryBytes(model, 4 * GiB));
    }
}

public sealed class VllmPrefetchSidecarTests
{
    [Fact]
    public void The_sidecar_is_a_restartable_init_container_reading_the_weights_mount_read_only()
    {
        var model = 16_289L << 20;
        var sidecar = VllmPrefetchSidecar.Build("us-docker.pkg.dev/p/r/provisioner:1.0", "weights", "/models/gemma-7b", model);

        Assert.Equal("Always", sidecar.RestartPolicy);
        Assert.Equal(["prefetch", "/models/gemma-7b", "--keep-running", "--concurrency", "16", "--block-size", "16M"], sidecar.Args);
        var mount = Assert.Single(sidecar.VolumeMounts);
        Assert.Equal(("weights", "/models/gemma-7b", (bool?)true), (mount.Name, mount.MountPath, mount.ReadOnlyProperty));
        // No startup probe: vLLM starts right after the sidecar has started, so the reads overlap engine start.
        Assert.Null(sidecar.StartupProbe);
        // Its memory limit holds the whole model, since the pages it reads are charged to it.
        Assert.Equal($"{16_289 + 384}Mi", sidecar.Resources.Limits["memory"].ToString());
        Assert.Equal("384Mi", sidecar.Resources.Requests["memory"].ToString());

        var yaml = k8s.KubernetesYaml.Serialize(sidecar);
        Assert.Contains("restartPolicy: Always", yaml, StringComparison.Ordinal);
        Assert.Contains("readOnly: true", yaml, StringComparison.Ordinal);
    }
}

public sealed class VllmLoadStrategyModelTests
{
    [Fact]
    public void The_prefetch_sidecar_is_the_default_and_WithLoadStrategy_picks_a_loader_for_the_image_version()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var plain = builder.AddVllm("plain", "vllm/vllm-openai:v0.5.3");
        var streamer = builder.AddVllm("streamer", "vllm/vllm-openai:v0.10.1").WithLoadStrategy(VllmLoadStrategy.RunAiStreamer, concurrency: 8);
        var tooOld = builder.AddVllm("old", "vllm/vllm-openai:v0.5.3").WithLoadStrategy(VllmLoadStrategy.MultithreadLoad);

        Assert.True(VllmLoaderSettings.For(plain.Resource).PrefetchSidecar);
        var s = VllmLoaderSettings.For(streamer.Resource);
        Assert.Equal(["--load-format", "runai_streamer"], s.Args);
        Assert.Equal("8", s.Environment["RUNAI_STREAMER_CONCURRENCY"]);
        var ex = Assert.Throws<DistributedApplicationException>(() => VllmLoaderSettings.For(tooOld.Resource));
        Assert.StartsWith("vLLM resource 'old': vLLM 0.5.3 has no MultithreadLoad loader", ex.Message, StringComparison.Ordinal);
    }
}
