using VllmAspire.VllmSimulator;

namespace VllmSimulator.Tests;

public sealed class CommandLineTests
{
    private static SimulatorOptions? Parse(params string[] args)
    {
        SimulatorOptions? seen = null;
        var root = SimulatorCommandLine.Build((o, _) =>
        {
            seen = o;
            return Task.FromResult(0);
        });
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", result.Errors.Select(e => e.Message)));
        }

        result.Invoke();
        return seen;
    }

    [Fact]
    public void Defaults_follow_vllm_serve()
    {
        var o = Parse("--model", "/models/gemma-7b/")!;
        Assert.Equal("gemma-7b", o.ServedModelName);
        Assert.Equal("127.0.0.1", o.Host);
        Assert.Equal(8000, o.Port);
        Assert.Equal(256, o.MaxNumSeqs);
        Assert.Equal(4096, o.MaxModelLen);
        Assert.Equal("0.10.1", o.Version.Text);
        Assert.True(o.Version.IsV1);
        Assert.Equal(1, o.LoadThreads);
    }

    [Fact]
    public void Underscore_spellings_and_no_op_flags_are_accepted()
    {
        var o = Parse("--model", "m", "--max_num_seqs", "3", "--served-model-name", "x", "--gpu-memory-utilization", "0.95", "--vllm-version", "0.5.3")!;
        Assert.Equal(3, o.MaxNumSeqs);
        Assert.Equal("x", o.ServedModelName);
        Assert.False(o.Version.IsV1);
    }

    [Fact]
    public void Multithread_load_needs_0_10_2()
    {
        const string cfg = """{"enable_multithread_load":true,"num_threads":4}""";
        Assert.Equal(4, Parse("--model", "m", "--vllm-version", "0.10.2", "--model-loader-extra-config", cfg)!.LoadThreads);
        Assert.Equal(1, Parse("--model", "m", "--model-loader-extra-config", cfg)!.LoadThreads);
        var ex = Assert.Throws<ArgumentException>(() => Parse("--model", "m", "--safetensors-load-strategy", "eager"));
        Assert.Contains("0.10.2", ex.Message);
    }

    [Theory]
    [InlineData("--speculative-config", "unrecognized")]
    [InlineData("--max-num-seqs=0", "positive")]
    [InlineData("--vllm-version=banana", "not a version")]
    public void Bad_flags_are_rejected_clearly(string flag, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => Parse("--model", "m", flag));
        Assert.Contains(expected, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Startup_phases_default_to_the_reference_start_and_scale()
    {
        // reference/startup-2026.md [P5] (imports 10.0; config 16.1 + engine core 3.8; compile 19.0; graphs 4.0) and [P13] (cache hit 7.5).
        var o = Parse("--model", "m")!.Startup;
        Assert.Equal((1.0, 10.0, 19.9, 19.0, 7.5, 4.0), (o.TimeScale, o.ImportsSeconds, o.EngineSeconds, o.CompileSeconds, o.CompileCacheHitSeconds, o.GraphCaptureSeconds));
        Assert.False(o.EngineStartOnly);

        var scaled = Parse("--model", "m", "--startup-time-scale", "0.05", "--compile-seconds", "30", "--compile-cache-root", "/tmp/vllm-cache", "--gpu-name", "NVIDIA H100")!.Startup;
        Assert.Equal(TimeSpan.FromSeconds(1.5), scaled.Scaled(scaled.CompileSeconds));
        Assert.Equal(("/tmp/vllm-cache", "NVIDIA H100"), (scaled.CompileCacheRoot, scaled.GpuName));
    }

    [Fact]
    public void The_old_engine_start_option_maps_onto_the_phases()
    {
        var o = Parse("--model", "m", "--engine-start-seconds", "3.5")!.Startup;
        Assert.Equal((0.0, 3.5, true, 1.0), (o.ImportsSeconds, o.EngineSeconds, o.EngineStartOnly, o.TimeScale));

        var ex = Assert.Throws<ArgumentException>(() => Parse("--model", "m", "--engine-start-seconds", "1", "--compile-seconds", "2"));
        Assert.Contains("--engine-start-seconds cannot be combined with --compile-seconds", ex.Message, StringComparison.Ordinal);
        Assert.Contains("must not be negative", Assert.Throws<ArgumentException>(() => Parse("--model", "m", "--graph-capture-seconds", "-1")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_model_flag_is_an_error()
    {
        var ex = Assert.Throws<ArgumentException>(() => Parse());
        Assert.Contains("--model", ex.Message);
    }
}
