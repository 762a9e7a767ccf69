using VllmAspire.VllmSimulator;
using VllmAspire.VllmSimulator.Metrics;

namespace VllmSimulator.Tests;

public sealed class MetricCatalogTests
{
    private static MetricCatalog For(string version, string? hidden = null)
    {
        Assert.True(VllmVersion.TryParse(version, out var v));
        VllmVersion? h = null;
        if (hidden is not null && VllmVersion.TryParse(hidden, out var hv))
        {
            h = hv;
        }

        return MetricCatalog.For(v, h);
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
        Assert.Equal([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000], MetricCatalog.OneTwoFive(4096));
        Assert.Equal([1, 2, 5, 10], MetricCatalog.OneTwoFive(10));
    }
}
