using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace VllmAspire.MetricsAdapterShim.Tests;

public sealed class PrometheusSourceTests
{
    private const string Path = "/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/%2A/";

    [Fact]
    public async Task Pods_come_from_one_instant_query_summed_by_pod_and_only_listed_pods_are_returned()
    {
        var queries = new ConcurrentQueue<string>();
        await using var prometheus = await FakePrometheusAsync(queries, query => query.Contains("kv_cache_usage_perc", StringComparison.Ordinal)
            ? "[]"
            : """[{"metric":{"pod":"vllm-0"},"value":[1717243200,"1.5"]},{"metric":{"pod":"gone-0"},"value":[1717243200,"9"]},{"metric":{"pod":"vllm-1"},"value":[1717243200,"NaN"]}]""");
        await using var shim = await ShimFixture.StartAsync(["vllm-0", "vllm-1"], new()
        {
            ["MetricsAdapter:MetricSource"] = "prometheus",
            ["MetricsAdapter:PrometheusUrl"] = prometheus.Urls.Single(),
        });

        var (status, body) = await shim.GetAsync(Path + "vllm:num_requests_waiting?labelSelector=app%3Dvllm&metricLabelSelector=metric.labels.model_name%20in%20(a,b)");

        Assert.Equal(200, status);
        Assert.Contains("\"name\":\"vllm-0\"", body);
        Assert.Contains("\"value\":\"1500m\"", body);
        Assert.DoesNotContain("gone-0", body); // not a listed pod
        Assert.DoesNotContain("vllm-1", body); // NaN is no value
        Assert.Equal("sum by (pod) ({__name__=\"vllm:num_requests_waiting\",namespace=\"default\",pod=~\"vllm-0|vllm-1\",model_name=~\"a|b\"})", Assert.Single(queries));

        // The V1 name has no series: the V0 alias is asked next.
        queries.Clear();
        await shim.GetAsync(Path + "vllm:kv_cache_usage_perc");
        Assert.Equal(["vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"], queries.Select(q => q.Split('"')[1]));

        queries.Clear();
        await shim.GetAsync(Path + "prometheus.googleapis.com%7Cvllm:num_requests_waiting%7Ccounter");
        Assert.StartsWith("sum by (pod) (rate({__name__=\"vllm:num_requests_waiting\"", Assert.Single(queries));
        Assert.EndsWith("}[1m]))", queries.Single());
    }

    [Fact]
    public async Task An_unreachable_prometheus_is_a_500_without_its_details()
    {
        await using var shim = await ShimFixture.StartAsync(["vllm-0"], new()
        {
            ["MetricsAdapter:MetricSource"] = "prometheus",
            ["MetricsAdapter:PrometheusUrl"] = "http://127.0.0.1:9",
        });

        var (status, body) = await shim.GetAsync(Path + "vllm:num_requests_waiting");

        Assert.Equal(500, status);
        Assert.Contains("\"message\":\"Internal error occurred: unable to fetch metrics\"", body);
        Assert.DoesNotContain("127.0.0.1", body);
    }

    private static async Task<WebApplication> FakePrometheusAsync(ConcurrentQueue<string> queries, Func<string, string> result)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/api/v1/query", async (HttpContext c) =>
        {
            // Prometheus answers 400 bad_data without a query, as the real API does.
            if (!c.Request.HasFormContentType || (await c.Request.ReadFormAsync())["query"].ToString() is not { Length: > 0 } query)
            {
                return Results.Text("""{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\""}""", "application/json", statusCode: 400);
            }

            queries.Enqueue(query);
            return Results.Text("""{"status":"success","data":{"resultType":"vector","result":""" + result(query) + "}}", "application/json");
        });
        await app.StartAsync();
        return app;
    }
}
