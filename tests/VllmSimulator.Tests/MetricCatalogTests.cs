using VllmAspire.VllmSimulator;
using VllmAspire.VllmCatalog;

namespace VllmSimulator.Tests;

public sealed class MetricCatalogTests
{
    private static VllmMetricCatalog For(string version, string? hidden = null)
    {
        Assert.True(VllmVersion.TryParse(version, out var v));
        VllmVersion? h = null;
        if (hidden is not null && VllmVersion.TryParse(hidden, out var hv))
        {
            h = hv;
        }

        return VllmMetricCatalog.For(v, h);
    }

    [Theory]
    //          version   hidden  kv     gpu    itl    tpot
    [InlineData("0.5.3",  null,   false, true,  false, true)]
    [InlineData("0.8.5",  null,   false, true,  false, true)]
    [InlineData("0.10.1", null,   true,  true,  false, true)]
    [InlineData("0.11.0", null,   true,  false, true,  true)]
    [InlineData("0.11.2", "0.10", true,  true,  true,  true)]
    [InlineData("0.12.0", null,   true,  false, true,  false)]
    [InlineData("0.12.0", "0.11", true,  false, true,  true)]
    [InlineData("0.13.0", "0.12", true,  false, true,  false)]
    public void Deprecated_metrics_follow_the_hide_then_remove_policy(string version, string? hidden, bool kv, bool gpu, bool itl, bool tpot)
    {
        var c = For(version, hidden);
        Assert.Equal((kv, gpu, itl, tpot), (c.KvCacheUsage, c.GpuCacheUsage, c.InterTokenLatency, c.TimePerOutputToken));
    }

    [Fact]
    public void Engine_label_and_v0_extras_switch_at_0_8()
    {
        Assert.Equal(["model_name"], For("0.7.3").Labels);
        Assert.True(For("0.7.3").SwapMetrics);
        Assert.Equal(["model_name", "engine"], For("0.8.0rc1").Labels);
        Assert.False(For("0.8.0").SwapMetrics);
    }

    [Fact]
    public void Token_buckets_are_vllms_1_2_5_series()
    {
        Assert.Equal([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000], VllmMetricCatalog.OneTwoFive(4096));
        Assert.Equal([1, 2, 5, 10], VllmMetricCatalog.OneTwoFive(10));
    }

    [Theory]
    [InlineData("0.5.3", null)]
    [InlineData("0.8.0", null)]
    [InlineData("0.10.1", null)]
    [InlineData("0.11.2", "0.10")]
    [InlineData("0.12.0", null)]
    [InlineData("0.26.0", null)]
    public async Task The_simulator_serves_exactly_the_catalogs_names(string version, string? hidden)
    {
        var catalog = For(version, hidden);
        Assert.True(VllmVersion.TryParse(version, out var v));
        var options = new SimulatorOptions
        {
            Model = "/nonexistent",
            ServedModelName = "m",
            Version = v,
            ShowHiddenMetricsForVersion = hidden is not null && VllmVersion.TryParse(hidden, out var h) ? h : null,
        };
        var metrics = new VllmAspire.VllmSimulator.Metrics.VllmMetrics(options, () => (0, 0, 0));
        using var body = new MemoryStream();
        await metrics.WriteAsync(body, TestContext.Current.CancellationToken);
        var families = System.Text.Encoding.UTF8.GetString(body.ToArray()).Split('\n')
            .Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(catalog.Names.Order(StringComparer.Ordinal), families.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("0.5.3", "vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc")]
    [InlineData("0.12.0", "vllm:gpu_cache_usage_perc", "vllm:kv_cache_usage_perc")]
    [InlineData("0.13.0", "vllm:time_per_output_token_seconds", "vllm:inter_token_latency_seconds")]
    [InlineData("0.8.0", "vllm:prefix_cache_queries_total", "vllm:gpu_prefix_cache_queries_total")]
    [InlineData("0.10.1", "vllm:no_such_metric", null)]
    public void A_renamed_metric_points_to_the_releases_name(string version, string asked, string? instead)
    {
        var catalog = For(version);
        Assert.False(catalog.Has(asked, out var actual));
        Assert.Equal(instead, actual);
        Assert.True(catalog.Has("vllm:num_requests_waiting", out _));
    }

    [Theory]
    [InlineData("vllm/vllm-openai:v0.10.1", "0.10.1")]
    [InlineData("us-docker.pkg.dev/p/r/vllm:v0.21.0-cu129", "0.21.0-cu129")]
    [InlineData("localhost:5000/vllm:0.8.0rc2", "0.8.0rc2")]
    [InlineData("vllm/vllm-openai:latest", null)]
    [InlineData("localhost:5000/vllm", null)]
    [InlineData("vllm/vllm-openai@sha256:abc", null)]
    public void Image_tags_give_the_release(string image, string? text)
    {
        Assert.Equal(text is not null, VllmVersion.TryParseImageTag(image, out var v));
        if (text is not null)
        {
            Assert.Equal(text, v.Text);
        }
    }
}
