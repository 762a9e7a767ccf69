namespace VllmAspire.MetricsAdapterShim.Tests;

public sealed class ParsingTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["app"] = "vllm", ["tier"] = "gpu" };

    [Theory]
    [InlineData("app=vllm", true)]
    [InlineData("app==vllm", true)]
    [InlineData("app!=vllm", false)]
    [InlineData("app in (a, vllm)", true)]
    [InlineData("app notin (a,vllm)", false)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("!zone", true)]
    [InlineData("app=vllm,tier=cpu", false)]
    [InlineData("app in (vllm),zone notin (x)", true)]
    [InlineData("", true)]
    public void Label_selector_matches_like_kubernetes(string selector, bool expected) =>
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Labels));

    [Theory]
    [InlineData("app in vllm")]
    [InlineData("app=vllm,,tier=gpu")]
    [InlineData("a b c")]
    [InlineData("=vllm")]
    public void Malformed_selectors_are_rejected(string selector) =>
        Assert.Throws<FormatException>(() => LabelSelector.Parse(selector));

    [Theory]
    [InlineData(2.0, "2")]
    [InlineData(1.5, "1500m")]
    [InlineData(0.0333, "33m")]
    [InlineData(0.0, "0")]
    [InlineData(2000.0, "2000")]
    [InlineData(1.0E-5, "0")]
    [InlineData(-0.25, "-250m")]
    public void Quantities_are_milli_truncated(double value, string expected) => Assert.Equal(expected, Quantity.Format(value));

    [Fact]
    public void Prometheus_text_parses_labels_escapes_and_special_values()
    {
        var samples = PrometheusText.Parse("""
            # HELP x y
            vllm:num_requests_waiting{engine="0",model_name="a \"q\" b"} 3.0
            vllm:num_requests_waiting{engine="1",model_name="c,d"} 4 1700000000000
            vllm:e2e_request_latency_seconds_bucket{le="+Inf",model_name="m"} 12
            vllm:kv_cache_usage_perc NaN
            garbage line here
            """);

        Assert.Equal(4, samples.Count);
        Assert.Equal("a \"q\" b", samples[0].Labels["model_name"]);
        Assert.Equal(7, PrometheusText.Sum(samples, "vllm:num_requests_waiting", LabelSelector.Everything));
        Assert.Equal(4, PrometheusText.Sum(samples, "vllm:num_requests_waiting", LabelSelector.Parse("engine=1")));
        Assert.Null(PrometheusText.Sum(samples, "vllm:kv_cache_usage_perc", LabelSelector.Everything));
        Assert.Null(PrometheusText.Sum(samples, "vllm:missing", LabelSelector.Everything));
    }

    [Fact]
    public void Prometheus_text_keeps_only_the_requested_series()
    {
        var samples = PrometheusText.Parse("vllm:a{x=\"1\"} 1\nvllm:ab 2\nvllm:b 3\nvllm:a 4\n", new HashSet<string> { "vllm:a" });
        Assert.Equal([1d, 4d], samples.Select(s => s.Value));
    }

    [Fact]
    public void Prometheus_text_from_utf8_bytes_parses_as_the_text_does_and_keeps_only_the_requested_series()
    {
        const string text = "# HELP vllm:a A.\r\n# TYPE vllm:a gauge\r\n  vllm:a{model_name=\"m\u00e9\",engine=\"0\"} 1.5 1700000000000\r\nvllm:ab 2\nvllm:b{x=\"q\\\"uote\"} 3\n\nvllm:a{engine=\"1\"} NaN\nvllm:a";
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        foreach (var keep in new[] { null, new HashSet<string> { "vllm:a", "vllm:b" } })
        {
            var fromText = PrometheusText.Parse(text, keep);
            var fromBytes = PrometheusText.Parse(bytes, keep);
            Assert.Equal(fromText.Select(Describe), fromBytes.Select(Describe));
        }

        var kept = PrometheusText.Parse(bytes, new HashSet<string> { "vllm:a" });
        Assert.Equal(["vllm:a engine=0,model_name=mé 1.5", "vllm:a engine=1 NaN"], kept.Select(Describe));

        static string Describe(PrometheusSample s) =>
            $"{s.Name} {string.Join(',', s.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"))} {s.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    [Theory]
    [InlineData("vllm:num_requests_waiting", "vllm:num_requests_waiting", false)]
    [InlineData("prometheus.googleapis.com|vllm:num_requests_waiting|gauge", "vllm:num_requests_waiting", false)]
    [InlineData("prometheus.googleapis.com|vllm:prompt_tokens_total|counter", "vllm:prompt_tokens_total", true)]
    public void Metric_names_accept_the_google_form(string name, string prometheus, bool counter)
    {
        Assert.True(MetricName.TryParse(name, out var metric, out _));
        Assert.Equal(prometheus, metric.PrometheusName);
        Assert.Equal(counter, metric.IsCounter);
        Assert.Equal(name, metric.Requested);
    }
}
