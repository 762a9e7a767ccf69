using System.Net.Http.Json;
using System.Text;

namespace VllmSimulator.Tests;

/// <summary>--vllm-version 0.5.3: the V0 engine's metric names, labels, buckets and log lines.</summary>
public sealed class V0Tests(V0Server server) : IClassFixture<V0Server>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task V0_metrics_have_only_model_name_and_the_v0_set()
    {
        using var r = await server.Http.PostAsync("v1/completions", new StringContent("""{"model":"sample","prompt":"v zero","max_tokens":2}""", Encoding.UTF8, "application/json"), Ct);
        Assert.True(r.IsSuccessStatusCode);
        var text = await server.Http.GetStringAsync("metrics", Ct);
        const string l = "{model_name=\"sample\"}";
        Assert.Equal(0, MetricsText.Value(text, "vllm:num_requests_running" + l));
        Assert.Equal(0, MetricsText.Value(text, "vllm:num_requests_waiting" + l));
        Assert.Equal(0, MetricsText.Value(text, "vllm:num_requests_swapped" + l));
        Assert.NotNull(MetricsText.Value(text, "vllm:gpu_cache_usage_perc" + l));
        Assert.NotNull(MetricsText.Value(text, "vllm:cpu_cache_usage_perc" + l));
        Assert.Equal(2, MetricsText.Value(text, "vllm:generation_tokens_total" + l));
        Assert.Equal(1, MetricsText.Value(text, "vllm:request_success_total{model_name=\"sample\",finished_reason=\"length\"}"));
        Assert.Contains("vllm:time_to_first_token_seconds_bucket{model_name=\"sample\",le=\"10\"}", text);
        Assert.DoesNotContain("le=\"2560\"", text);
        Assert.Contains("vllm:e2e_request_latency_seconds_bucket{model_name=\"sample\",le=\"60\"}", text);
        Assert.Contains("# TYPE vllm:time_per_output_token_seconds histogram", text);
        Assert.DoesNotContain("engine=", text);
        Assert.DoesNotContain("vllm:kv_cache_usage_perc", text);
        Assert.DoesNotContain("vllm:request_queue_time_seconds", text);
        Assert.DoesNotContain("finished_reason=\"abort\"", text);
    }

    [Fact]
    public async Task V0_logs_use_the_old_prefix_and_weight_line()
    {
        await server.Process.WaitForUrlAsync();
        var lines = server.Process.StdoutLines;
        Assert.Matches(@"^INFO \d\d-\d\d \d\d:\d\d:\d\d api_server\.py:\d+\] vLLM API server version 0\.5\.3$", lines[0]);
        Assert.Single(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^INFO .* model_runner\.py:\d+\] Loading model weights took 0\.\d{4} GB$"));
        Assert.DoesNotContain(lines, l => l.Contains("GiB", StringComparison.Ordinal));
        Assert.Equal("0.5.3", (await server.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("version", Ct)).GetProperty("version").GetString());
    }
}
