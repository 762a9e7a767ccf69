using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using OpenTelemetry.Metrics;
using VllmAspire.VllmCatalog;

namespace VllmSimulator.Tests;

/// <summary>
/// The simulator plays a current vLLM's start (imports, engine, real weight load, torch.compile with its cache, CUDA
/// graphs, ready) as one exported trace with a span per phase, prints vLLM's lines for each, and its compile cache hits
/// only for a matching key.
/// </summary>
public sealed class StartupTraceTests
{
    private static readonly string[] PhaseSpans = ["imports", "engine", "weight load", "torch.compile", "CUDA graph capture", "ready"];

    private static async Task<string> ModelAsync() => (await TestModels.SampleAsync()).Directory;

    private static string[] Args(string model, string served, params string[] more) =>
        ["--model", model, "--served-model-name", served, "--port", "0", "--disable-log-stats", .. more];

    private static Activity Root(InProcessSimulator sim, string served) =>
        Assert.Single(sim.Spans(), s => s.DisplayName == "vLLM start" && (string?)s.Tag("vllm.model") == served);

    [Fact]
    public async Task A_start_is_one_trace_with_a_span_per_phase_and_vllms_lines()
    {
        var model = await ModelAsync();
        var cacheRoot = TestModels.NewFolder("compile-cache");
        var processStart = DateTimeOffset.UtcNow;
        // Real-world defaults scaled down; the phases' lower bounds below follow from these seconds.
        await using var sim = InProcessSimulator.Start(processStart, Args(model, "trace-phases",
            "--startup-time-scale", "0.1", "--compile-cache-root", cacheRoot));
        await sim.WaitForUrlAsync();

        var root = Root(sim, "trace-phases");
        Assert.Equal(processStart.UtcDateTime, root.StartTimeUtc, TimeSpan.FromMilliseconds(1));
        var phases = sim.Spans().Where(s => s.ParentSpanId == root.SpanId).OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal(PhaseSpans, phases.Select(p => p.DisplayName));
        Assert.All(phases, p => Assert.Equal(root.TraceId, p.TraceId));
        Assert.All(phases.Zip(phases.Skip(1)), p => Assert.True(p.First.StartTimeUtc + p.First.Duration <= p.Second.StartTimeUtc + TimeSpan.FromMilliseconds(1)));
        Assert.True(root.StartTimeUtc + root.Duration >= phases[^1].StartTimeUtc + phases[^1].Duration);

        // Each simulated phase lasts at least its scaled default (Task.Delay never ends early by more than a tick).
        var seconds = phases.ToDictionary(p => p.DisplayName, p => p.Duration.TotalSeconds);
        Assert.True(seconds["imports"] >= 0.99, $"imports {seconds["imports"]}");
        Assert.True(seconds["engine"] >= 1.98, $"engine {seconds["engine"]}");
        Assert.True(seconds["torch.compile"] >= 1.89, $"compile {seconds["torch.compile"]}");
        Assert.True(seconds["CUDA graph capture"] >= 0.39, $"graphs {seconds["CUDA graph capture"]}");
        var weights = phases[2];
        Assert.True((double)weights.Tag(VllmStartupTelemetry.WeightsGibAttribute)! > 0);
        Assert.Equal("safetensors", weights.Tag(VllmStartupTelemetry.WeightsLoaderAttribute));
        Assert.Equal(false, phases[3].Tag(VllmStartupTelemetry.CompileCacheHitAttribute));

        // The lines are vLLM's and read back (through the one grammar) as the same phases.
        var marks = sim.Lines.Marks().Select(m => m.Kind).ToList();
        Assert.Equal(
            [VllmStartupMarkKind.ServerVersion, VllmStartupMarkKind.WeightsLoaded, VllmStartupMarkKind.ModelLoaded, VllmStartupMarkKind.CompileCacheDirectory,
             VllmStartupMarkKind.DynamoTransform, VllmStartupMarkKind.CompileCacheStored, VllmStartupMarkKind.GraphCompiled, VllmStartupMarkKind.CompileFinished,
             VllmStartupMarkKind.GraphCaptureFinished, VllmStartupMarkKind.EngineInitialized, VllmStartupMarkKind.ApiServerStarting, VllmStartupMarkKind.ApplicationStartupComplete],
            marks);
        // The line prints the span's own duration, to vLLM's two decimals (half a hundredth, plus parsing's last bit).
        var compileTotal = sim.Lines.Marks().Single(m => m.Kind == VllmStartupMarkKind.CompileFinished).Seconds!.Value;
        Assert.Equal(seconds["torch.compile"], compileTotal, 0.0051);

        // The phase-duration histogram has one sample per phase.
        var histogram = Assert.Single(sim.CollectMetrics(), m => m.Name == VllmStartupTelemetry.PhaseDurationHistogram);
        var counts = new Dictionary<string, long>();
        foreach (var point in histogram.GetMetricPoints())
        {
            foreach (var tag in point.Tags)
            {
                if (tag.Key == VllmStartupTelemetry.PhaseAttribute)
                {
                    counts[(string)tag.Value!] = point.GetHistogramCount();
                }
            }
        }

        Assert.True(counts.Keys.ToHashSet().SetEquals(["imports", "engine", "weight_load", "compile", "graph_capture", "ready"]), string.Join(",", counts.Keys));
    }

    [Fact]
    public async Task The_compile_cache_hits_for_the_same_key_and_misses_for_another()
    {
        var model = await ModelAsync();
        var cacheRoot = TestModels.NewFolder("compile-cache");
        // Only compile takes time: a miss at least 2 s, a hit at least 0.2 s.
        string[] Phases(string served, params string[] more) => Args(model, served, ["--imports-seconds", "0", "--engine-seconds", "0", "--graph-capture-seconds", "0",
            "--compile-seconds", "2", "--compile-cache-hit-seconds", "0.2", "--compile-cache-root", cacheRoot, .. more]);

        async Task<(Activity Compile, IReadOnlyList<string> Lines)> StartAsync(string served, params string[] more)
        {
            await using var sim = InProcessSimulator.Start(DateTimeOffset.UtcNow, Phases(served, more));
            await sim.WaitForUrlAsync();
            var root = Root(sim, served);
            return (Assert.Single(sim.Spans(), s => s.ParentSpanId == root.SpanId && s.DisplayName == "torch.compile"), sim.Lines);
        }

        var (miss, missLines) = await StartAsync("cache-1");
        Assert.Equal(false, miss.Tag(VllmStartupTelemetry.CompileCacheHitAttribute));
        Assert.True(miss.Duration.TotalSeconds >= 1.99, $"miss {miss.Duration}");
        Assert.Contains(missLines, l => l.Contains("Compiling a graph for dynamic shape takes", StringComparison.Ordinal));
        var dir = (string)miss.Tag(VllmStartupTelemetry.CompileCacheDirectoryAttribute)!;
        Assert.StartsWith(Path.Combine(cacheRoot, "torch_compile_cache"), dir, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir, VllmCompileCacheKey.IndexFileName)), "the miss wrote no cache entry");

        var (hit, hitLines) = await StartAsync("cache-2");
        Assert.Equal(true, hit.Tag(VllmStartupTelemetry.CompileCacheHitAttribute));
        Assert.Equal(dir, hit.Tag(VllmStartupTelemetry.CompileCacheDirectoryAttribute));
        Assert.True(hit.Duration.TotalSeconds >= 0.199, $"hit {hit.Duration}");
        Assert.Contains(hitLines, l => l.Contains("Directly load the compiled graph(s) for dynamic shape from the cache, took", StringComparison.Ordinal));
        Assert.DoesNotContain(hitLines, l => l.Contains("Compiling a graph", StringComparison.Ordinal));

        // Another GPU is another key: vLLM's compiler hash includes the device.
        var (otherGpu, _) = await StartAsync("cache-3", "--gpu-name", "NVIDIA H100 80GB HBM3");
        Assert.Equal(false, otherGpu.Tag(VllmStartupTelemetry.CompileCacheHitAttribute));
        Assert.NotEqual(dir, otherGpu.Tag(VllmStartupTelemetry.CompileCacheDirectoryAttribute));
    }

    [Theory]
    [InlineData("0.10.1", "--enforce-eager")]
    [InlineData("0.5.3", null)]
    public async Task Eager_mode_and_v0_have_no_compile(string version, string? flag)
    {
        var model = await ModelAsync();
        var served = "no-compile-" + version + flag;
        await using var sim = InProcessSimulator.Start(DateTimeOffset.UtcNow, Args(model, served, ["--vllm-version", version, "--startup-time-scale", "0", .. flag is null ? Array.Empty<string>() : [flag]]));
        await sim.WaitForUrlAsync();

        var root = Root(sim, served);
        var names = sim.Spans().Where(s => s.ParentSpanId == root.SpanId).OrderBy(s => s.StartTimeUtc).Select(s => s.DisplayName).ToList();
        Assert.DoesNotContain("torch.compile", names);
        Assert.Equal(flag is null, names.Contains("CUDA graph capture"));
        Assert.DoesNotContain(sim.Lines.Marks(), m => m.Kind is VllmStartupMarkKind.CompileFinished or VllmStartupMarkKind.CompileCacheDirectory);
        if (flag is null)
        {
            // V0's own line (no memory figure), e.g. "Graph capturing finished in 8 secs." in a 0.5 transcript.
            Assert.Contains(sim.Lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^INFO \d\d-\d\d \d\d:\d\d:\d\d model_runner\.py:\d+\] Graph capturing finished in \d+ secs\.$"));
        }
    }

    [Fact]
    public async Task A_request_is_an_llm_request_span_with_vllms_gen_ai_attributes()
    {
        var model = await ModelAsync();
        await using var sim = InProcessSimulator.Start(DateTimeOffset.UtcNow, Args(model, "genai", "--startup-time-scale", "0", "--ttft-ms", "20", "--tpot-ms", "5"));
        using var http = new HttpClient { BaseAddress = await sim.WaitForUrlAsync() };

        using var response = await http.PostAsJsonAsync("v1/chat/completions", new
        {
            model = "genai",
            messages = new[] { new { role = "user", content = "Say hello" } },
            max_tokens = 5,
            temperature = 0.5,
            top_p = 0.9,
        }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var usage = body.RootElement.GetProperty("usage");
        var id = body.RootElement.GetProperty("id").GetString();

        Activity? span = null;
        Assert.True(await SimulatorProcess.PollAsync(() => Task.FromResult((span = sim.Spans().FirstOrDefault(s => s.DisplayName == "llm_request" && (string?)s.Tag("gen_ai.request.id") == id)) is not null), TimeSpan.FromSeconds(30)));
        Assert.Equal(ActivityKind.Server, span!.Kind);
        Assert.Equal("vllm", span.Tag("gen_ai.system"));
        Assert.Equal("chat", span.Tag("gen_ai.operation.name"));
        Assert.Equal("genai", span.Tag("gen_ai.response.model"));
        Assert.Equal("genai", span.Tag("gen_ai.request.model"));
        Assert.Equal(0.5, span.Tag("gen_ai.request.temperature"));
        Assert.Equal(0.9, span.Tag("gen_ai.request.top_p"));
        Assert.Equal(5, span.Tag("gen_ai.request.max_tokens"));
        Assert.Equal(1, span.Tag("gen_ai.request.n"));
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32(), span.Tag("gen_ai.usage.prompt_tokens"));
        Assert.Equal(usage.GetProperty("completion_tokens").GetInt32(), span.Tag("gen_ai.usage.completion_tokens"));
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32(), span.Tag("gen_ai.usage.input_tokens"));
        Assert.Equal(usage.GetProperty("completion_tokens").GetInt32(), span.Tag("gen_ai.usage.output_tokens"));
        Assert.True((double)span.Tag("gen_ai.latency.time_to_first_token")! >= 0.019);
        Assert.True((double)span.Tag("gen_ai.latency.e2e")! >= (double)span.Tag("gen_ai.latency.time_to_first_token")!);
        Assert.NotNull(span.Tag("gen_ai.latency.time_in_queue"));
        // Under the HTTP request's span, not in the start-up trace.
        Assert.NotEqual(Root(sim, "genai").TraceId, span.TraceId);
        Assert.Contains(sim.Spans(), s => s.SpanId == span.ParentSpanId && s.Kind == ActivityKind.Server && s.DisplayName.Contains("/v1/chat/completions", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Vllm_metrics_are_otel_instruments_fed_by_the_same_records_as_metrics_endpoint()
    {
        var model = await ModelAsync();
        await using var sim = InProcessSimulator.Start(DateTimeOffset.UtcNow, Args(model, "otel-metrics", "--startup-time-scale", "0", "--ttft-ms", "1", "--tpot-ms", "1"));
        using var http = new HttpClient { BaseAddress = await sim.WaitForUrlAsync() };
        for (var i = 0; i < 3; i++)
        {
            using var r = await http.PostAsJsonAsync("v1/completions", new { model = "otel-metrics", prompt = "one two three", max_tokens = 4 }, TestContext.Current.CancellationToken);
            r.EnsureSuccessStatusCode();
        }

        var exposition = await http.GetStringAsync("metrics", TestContext.Current.CancellationToken);
        var metrics = sim.CollectMetrics();
        double Sum(string otelName) => Assert.Single(metrics, m => m.Name == otelName).GetMetricPoints().ToEnumerable().Sum(p => p.GetSumDouble());
        double Prom(string name) => double.Parse(exposition.Split('\n').Single(l => l.StartsWith(name + "{", StringComparison.Ordinal)).Split(' ')[^1], CultureInfo.InvariantCulture);

        Assert.Equal(Prom("vllm:prompt_tokens_total"), Sum("vllm.prompt_tokens"));
        Assert.Equal(Prom("vllm:generation_tokens_total"), Sum("vllm.generation_tokens"));
        Assert.Equal(12, Sum("vllm.generation_tokens"));
        var waiting = Assert.Single(metrics, m => m.Name == "vllm.num_requests_waiting");
        Assert.Equal(MetricType.DoubleGauge, waiting.MetricType);
        var point = waiting.GetMetricPoints().ToEnumerable().Single();
        var tags = new Dictionary<string, object?>();
        foreach (var t in point.Tags)
        {
            tags[t.Key] = t.Value;
        }

        Assert.Equal("otel-metrics", tags["model_name"]);
        Assert.Equal("0", tags["engine"]);
        var e2e = Assert.Single(metrics, m => m.Name == "vllm.e2e_request_latency_seconds");
        Assert.Equal("s", e2e.Unit);
        Assert.Equal(3, e2e.GetMetricPoints().ToEnumerable().Sum(p => p.GetHistogramCount()));
    }
}

/// <summary>Enumerates OTel's struct enumerator of metric points.</summary>
public static class MetricPointsExtensions
{
    public static IEnumerable<MetricPoint> ToEnumerable(this MetricPointsAccessor points)
    {
        var list = new List<MetricPoint>();
        foreach (ref readonly var p in points)
        {
            list.Add(p);
        }

        return list;
    }
}
