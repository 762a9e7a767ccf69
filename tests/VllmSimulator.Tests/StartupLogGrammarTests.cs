using VllmAspire.VllmCatalog;

namespace VllmSimulator.Tests;

/// <summary>
/// The one start-up grammar (VllmCatalog) against real vLLM log lines. Each line is quoted as published in a vLLM user
/// transcript (the source is beside it); the message formats are those of reference/metrics.md §6.4.
/// </summary>
public sealed class StartupLogGrammarTests
{
    [Theory]
    // vLLM 0.5 era (V0), a user transcript of June 2024: the seed's era.
    [InlineData("INFO 06-24 14:24:15 model_runner.py:160] Loading model weights took 7.9378 GB", VllmStartupMarkKind.ModelLoaded, null, 7.9378, null)]
    [InlineData("INFO 06-24 14:24:28 model_runner.py:965] Graph capturing finished in 8 secs.", VllmStartupMarkKind.GraphCaptureFinished, 8.0, null, null)]
    // 0.9 (vllm-project/vllm#19596): a compile-cache miss.
    [InlineData("INFO 06-13 11:36:32 [default_loader.py:272] Loading weights took 5.52 seconds", VllmStartupMarkKind.WeightsLoaded, 5.52, null, null)]
    [InlineData("INFO 06-13 11:36:32 [gpu_model_runner.py:1632] Model loading took 4.1801 GiB and 6.884285 seconds", VllmStartupMarkKind.ModelLoaded, 6.884285, 4.1801, null)]
    [InlineData("INFO 06-13 11:36:38 [backends.py:462] Using cache directory: /home/doit/.cache/vllm/torch_compile_cache/7aaf346411/rank_0_0 for vLLM's torch.compile", VllmStartupMarkKind.CompileCacheDirectory, null, null, "/home/doit/.cache/vllm/torch_compile_cache/7aaf346411/rank_0_0")]
    [InlineData("INFO 06-13 11:36:38 [backends.py:472] Dynamo bytecode transform time: 5.86 s", VllmStartupMarkKind.DynamoTransform, 5.86, null, null)]
    [InlineData("INFO 06-13 11:36:41 [backends.py:161] Cache the graph of shape None for later use", VllmStartupMarkKind.CompileCacheStored, null, null, "shape None")]
    [InlineData("INFO 06-13 11:37:03 [backends.py:173] Compiling a graph for general shape takes 24.53 s", VllmStartupMarkKind.GraphCompiled, 24.53, null, "general shape")]
    // A compile-cache hit (vllm-project/vllm#20342).
    [InlineData("INFO 07-01 21:11:24 [backends.py:167] Directly load the compiled graph(s) for shape 1 from the cache, took 4.428 s", VllmStartupMarkKind.CompileCacheHit, 4.428, null, "shape 1")]
    // 0.10 (vllm-project/vllm PR #21443) and 0.10.1 with the engine-core prefix (PR #20707).
    [InlineData("INFO 07-24 01:03:08 [core.py:193] init engine (profile, create kv cache, warmup model) took 1.44 seconds", VllmStartupMarkKind.EngineInitialized, 1.44, null, null)]
    [InlineData("(EngineCore_0 pid=1399537) INFO 08-19 14:58:40 [core.py:215] init engine (profile, create kv cache, warmup model) took 1.06 seconds", VllmStartupMarkKind.EngineInitialized, 1.06, null, null)]
    // 0.11 (vllm-project/vllm#25848, #26379): a worker's prefix, a source with its folder.
    [InlineData("(Worker_TP3_EP3 pid=2709393) INFO 09-29 09:52:22 [gpu_model_runner.py:3468] Graph capturing finished in 38 secs, took 1.64 GiB", VllmStartupMarkKind.GraphCaptureFinished, 38.0, 1.64, null)]
    [InlineData("(EngineCore_DP0 pid=3419510) INFO 10-07 16:12:15 [compilation/backends.py:548] Using cache directory: /home/ProExpertProg/.cache/vllm/torch_compile_cache/597cba1e1f/rank_0_0/backbone for vLLM's torch.compile", VllmStartupMarkKind.CompileCacheDirectory, null, null, "/home/ProExpertProg/.cache/vllm/torch_compile_cache/597cba1e1f/rank_0_0/backbone")]
    // 2026 builds (noonghunna/club-3090#356, SergiioB/intel-arc-pro-b70-inference-cookbook#4, vllm-project/vllm-omni#4369).
    [InlineData("(EngineCore pid=177) INFO 06-09 19:28:10 [core.py:302] init engine (profile, create kv cache, warmup model) took 224.31 s (compilation: 118.03 s)", VllmStartupMarkKind.EngineInitialized, 224.31, null, null)]
    [InlineData("(EngineCore pid=316) INFO 08-21 18:37:40 [monitor.py:53] torch.compile took 0.06 s in total", VllmStartupMarkKind.CompileFinished, 0.06, null, null)]
    [InlineData("(APIServer pid=379932) INFO:     Application startup complete.", VllmStartupMarkKind.ApplicationStartupComplete, null, null, null)]
    public void Real_lines_are_read(string text, VllmStartupMarkKind kind, double? seconds, double? gib, string? value)
    {
        Assert.True(VllmStartupLog.TryParse(text, out var line, out var mark), text);
        Assert.Equal(kind, mark.Kind);
        Assert.Equal(seconds, mark.Seconds);
        Assert.Equal(gib, mark.Gib);
        Assert.Equal(value, mark.Text);
        Assert.Equal("INFO", line.Level);
    }

    [Fact]
    public void Prefix_parts_are_split_as_vllm_writes_them()
    {
        Assert.True(VllmLogLine.TryParse("(EngineCore_DP0 pid=441) INFO 11-24 11:43:54 [gpu_model_runner.py:3341] Model loading took 2.0513 GiB memory and 27.200487 seconds", out var v1));
        Assert.Equal(("EngineCore_DP0 pid=441", "gpu_model_runner.py:3341"), (v1.Process, v1.Source));
        Assert.Equal(new VllmLogStamp(11, 24, new TimeSpan(11, 43, 54)), v1.Stamp);

        Assert.True(VllmLogLine.TryParse("INFO 06-24 14:24:15 model_runner.py:160] Loading model weights took 7.9378 GB", out var v0));
        Assert.Null(v0.Process);
        Assert.Equal("model_runner.py:160", v0.Source);
        Assert.Equal("Loading model weights took 7.9378 GB", v0.Message);
    }

    [Theory]
    [InlineData("Capturing CUDA graphs (mixed prefill-decode, PIECEWISE): 100%|██████████| 51/51 [00:01<00:00, 33.44it/s]")]
    [InlineData("Loading safetensors checkpoint shards: 100% Completed | 4/4 [00:02<00:00,  1.51it/s]")]
    [InlineData("ERROR 06-13 11:37:08 [core.py:515]   File \"/home/doit/AI/vllm/vllm/v1/engine/core.py\", line 506, in run_engine_core")]
    [InlineData("(EngineCore_DP0 pid=441) INFO 11-24 11:44:17 [gpu_worker.py:348] Available KV cache memory: 33.31 GiB")]
    [InlineData("[prefetch-weights] prefetch: read 4 files, 536870912 bytes in 1.20 s (447.4 MB/s)")]
    [InlineData("")]
    public void Other_lines_are_not_milestones(string text) => Assert.False(VllmStartupLog.TryParse(text, out _, out _));

    public static TheoryData<string> Versions => ["0.5.3", "0.9.2", "0.10.0", "0.10.1", "0.11.0", "0.11.2", "0.19.1"];

    [Theory]
    [MemberData(nameof(Versions))]
    public void Every_message_the_simulator_writes_reads_back(string release)
    {
        VllmVersion.TryParse(release, out var version);
        VllmLogMessage[] messages =
        [
            VllmStartupLog.ServerVersion(version),
            VllmStartupLog.WeightsLoaded(3.8),
            VllmStartupLog.ModelLoaded(version, 15.2683, 3.857),
            VllmStartupLog.CompileCacheDirectory("/cache/torch_compile_cache/0123456789/rank_0_0/backbone"),
            VllmStartupLog.CompileCacheDisabled(),
            VllmStartupLog.DynamoTransform(5.7),
            VllmStartupLog.CompileCacheHit(1.803),
            VllmStartupLog.CompileCacheStored(version),
            VllmStartupLog.GraphCompiled(version, 13.3),
            VllmStartupLog.CompileFinished(19.0),
            VllmStartupLog.GraphCaptureFinished(version, 4.0, 0.49),
            VllmStartupLog.EngineInitialized(version, 45.65, 19.0),
            VllmStartupLog.ApiServerStarting(version, "http://127.0.0.1:8000"),
            VllmStartupLog.ApplicationStartupComplete(),
        ];
        VllmStartupMarkKind[] expected =
        [
            VllmStartupMarkKind.ServerVersion, VllmStartupMarkKind.WeightsLoaded, VllmStartupMarkKind.ModelLoaded,
            VllmStartupMarkKind.CompileCacheDirectory, VllmStartupMarkKind.CompileCacheDisabled, VllmStartupMarkKind.DynamoTransform,
            VllmStartupMarkKind.CompileCacheHit, VllmStartupMarkKind.CompileCacheStored, VllmStartupMarkKind.GraphCompiled,
            VllmStartupMarkKind.CompileFinished, VllmStartupMarkKind.GraphCaptureFinished, VllmStartupMarkKind.EngineInitialized,
            VllmStartupMarkKind.ApiServerStarting, VllmStartupMarkKind.ApplicationStartupComplete,
        ];
        var at = new DateTime(2026, 3, 4, 5, 6, 7);
        for (var i = 0; i < messages.Length; i++)
        {
            var text = VllmLogLine.Format(version, "INFO", at, messages[i], 212);
            Assert.True(VllmStartupLog.TryParse(text, out var line, out var mark), text);
            Assert.Equal(expected[i], mark.Kind);
            Assert.Equal(messages[i].Text, line.Message);
            Assert.Equal(messages[i].Source, line.Source);
        }

        var model = VllmStartupLog.ModelLoaded(version, 15.2683, 3.857);
        Assert.True(VllmStartupLog.TryParseMessage(model.Text, out var loaded));
        Assert.Equal(15.2683, loaded.Gib);
        Assert.Equal(version.IsV1 ? 3.857 : null, loaded.Seconds);
    }

    [Fact]
    public void Each_release_writes_the_shape_its_transcripts_show()
    {
        string Line(string release, VllmLogMessage message)
        {
            VllmVersion.TryParse(release, out var v);
            return VllmLogLine.Format(v, "INFO", new DateTime(2025, 11, 24, 11, 43, 54), message, 441);
        }

        // Compare with the 0.11.2 line in Prefix_parts_are_split_as_vllm_writes_them (vllm PR #29335).
        Assert.Equal("(EngineCore_DP0 pid=441) INFO 11-24 11:43:54 [gpu_model_runner.py:1892] Model loading took 2.0513 GiB memory and 27.200487 seconds",
            Line("0.11.2", VllmStartupLog.ModelLoaded(new VllmVersion(0, 11, 2, "0.11.2"), 2.0513, 27.200487)));
        Assert.StartsWith("(EngineCore_0 pid=441) INFO 11-24 11:43:54 [core.py:193] init engine (profile, create kv cache, warmup model) took 1.06 seconds",
            Line("0.10.1", VllmStartupLog.EngineInitialized(new VllmVersion(0, 10, 1, "0.10.1"), 1.06, 0)), StringComparison.Ordinal);
        Assert.Equal("INFO 11-24 11:43:54 model_runner.py:160] Loading model weights took 7.9378 GB",
            Line("0.5.3", VllmStartupLog.ModelLoaded(new VllmVersion(0, 5, 3, "0.5.3"), 7.9378, 0)));
        Assert.Equal("(APIServer pid=441) INFO:     Application startup complete.", Line("0.19.1", VllmStartupLog.ApplicationStartupComplete()));
        Assert.EndsWith("took 224.31 s (compilation: 118.03 s)", Line("0.19.1", VllmStartupLog.EngineInitialized(new VllmVersion(0, 19, 1, "0.19.1"), 224.31, 118.03)), StringComparison.Ordinal);
    }

    [Fact]
    public void The_phases_of_a_real_start_come_from_its_lines()
    {
        // vllm-project/vllm PR #29335 (0.11.2): weights, then a compile-cache miss. Times are the lines' own.
        const string log = """
            (EngineCore_DP0 pid=441) INFO 11-24 11:43:54 [gpu_model_runner.py:3341] Model loading took 2.0513 GiB memory and 27.200487 seconds
            (EngineCore_DP0 pid=441) INFO 11-24 11:44:01 [backends.py:648] Using cache directory: /root/.cache/vllm/torch_compile_cache/fd1e589ad6/rank_0_0/backbone for vLLM's torch.compile
            (EngineCore_DP0 pid=441) INFO 11-24 11:44:01 [backends.py:708] Dynamo bytecode transform time: 6.07 s
            (EngineCore_DP0 pid=441) INFO 11-24 11:44:06 [backends.py:255] Cache the graph for dynamic shape for later use
            (EngineCore_DP0 pid=441) INFO 11-24 11:44:15 [backends.py:286] Compiling a graph for dynamic shape takes 13.62 s
            (EngineCore_DP0 pid=441) INFO 11-24 11:44:16 [monitor.py:34] torch.compile takes 19.69 s in total
            (EngineCore_DP0 pid=441) INFO 11-24 11:44:17 [gpu_worker.py:348] Available KV cache memory: 33.31 GiB
            Capturing CUDA graphs (decode, FULL): 100%|██████████| 35/35 [00:01<00:00, 33.86it/s]
            """;
        var containerStart = new DateTimeOffset(2025, 11, 24, 11, 42, 0, TimeSpan.Zero);
        var marks = VllmStartupLog.ParseAll(log).Select(m => (m.Line.Stamp!.ToInstant(containerStart, TimeSpan.Zero), m.Mark));

        var phases = VllmStartupTimeline.Build(containerStart, marks);

        Assert.Equal([VllmStartupPhase.Imports, VllmStartupPhase.Engine, VllmStartupPhase.WeightLoad, VllmStartupPhase.Compile], phases.Select(p => p.Phase));
        var weights = phases[2];
        Assert.Equal(new DateTimeOffset(2025, 11, 24, 11, 43, 54, TimeSpan.Zero), weights.End);
        Assert.Equal(27.200487, weights.Duration.TotalSeconds, 3);
        Assert.Equal(2.0513, weights.WeightsGib);
        var compile = phases[3];
        Assert.Equal(19.69, compile.Duration.TotalSeconds, 3);
        Assert.False(compile.CompileCacheHit);
        Assert.Equal("/root/.cache/vllm/torch_compile_cache/fd1e589ad6/rank_0_0/backbone", compile.CompileCacheDirectory);
        Assert.All(phases.Zip(phases.Skip(1)), p => Assert.True(p.First.End <= p.Second.Start));
    }

    [Fact]
    public void A_stamp_takes_the_year_nearest_the_container_start()
    {
        var stamp = new VllmLogStamp(12, 31, new TimeSpan(23, 59, 59));
        Assert.Equal(new DateTimeOffset(2025, 12, 31, 23, 59, 59, TimeSpan.Zero), stamp.ToInstant(new DateTimeOffset(2026, 1, 1, 0, 0, 5, TimeSpan.Zero), TimeSpan.Zero));
        Assert.Equal(2026, new VllmLogStamp(1, 1, TimeSpan.Zero).ToInstant(new DateTimeOffset(2025, 12, 31, 23, 0, 0, TimeSpan.Zero), TimeSpan.Zero).Year);
    }

    [Fact]
    public void The_compile_cache_key_follows_vllms_factors()
    {
        var v = new VllmVersion(0, 10, 1, "0.10.1");
        var key = new VllmCompileCacheKey(v, "/models/gemma-7b", ["--max-model-len", "4096", "--dtype", "bfloat16"], "NVIDIA L4");

        Assert.Matches("^[0-9a-f]{10}$", key.Hash);
        Assert.Equal(key.Hash, (key with { ServingFlags = ["--dtype", "bfloat16", "--max-model-len", "4096"] }).Hash);
        Assert.NotEqual(key.Hash, (key with { Version = new VllmVersion(0, 10, 2, "0.10.2") }).Hash);
        Assert.NotEqual(key.Hash, (key with { Gpu = "NVIDIA H100 80GB HBM3" }).Hash);
        Assert.NotEqual(key.Hash, (key with { Model = "/models/gemma-2b" }).Hash);
        Assert.NotEqual(key.Hash, (key with { ServingFlags = ["--max-model-len", "8192", "--dtype", "bfloat16"] }).Hash);
        Assert.Equal(Path.Combine("/root/.cache/vllm", "torch_compile_cache", key.Hash, "rank_0_0", "backbone"), key.RankDirectory("/root/.cache/vllm"));
    }

    [Theory]
    [InlineData("vllm:num_requests_waiting", "vllm.num_requests_waiting")]
    [InlineData("vllm:prompt_tokens_total", "vllm.prompt_tokens")]
    [InlineData("vllm:e2e_request_latency_seconds", "vllm.e2e_request_latency_seconds")]
    public void Otel_names_drop_the_colon_and_the_counter_suffix(string prometheus, string otel) =>
        Assert.Equal(otel, VllmMetricCatalog.OtelName(prometheus));
}
