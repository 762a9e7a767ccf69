using Aspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Prometheus;

/// <summary>
/// Links from the Prometheus resource to its own query UI for the questions a vLLM operator asks across replicas
/// (PromQL sums and quantiles the per-replica OTel metrics in the dashboard cannot answer).
/// </summary>
internal static class PrometheusQueryLinks
{
    /// <summary>The queries: display text and PromQL.</summary>
    public static IReadOnlyList<(string DisplayText, string Query)> Queries { get; } =
    [
        ("Queue (waiting, all replicas)", "sum(vllm:num_requests_waiting)"),
        ("Running requests", "sum(vllm:num_requests_running)"),
        ("TTFT p95", "histogram_quantile(0.95, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket[1m])))"),
        ("End-to-end latency p95", "histogram_quantile(0.95, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket[1m])))"),
        ("Generated tokens/s", "sum(rate(vllm:generation_tokens_total[1m]))"),
        ("Replicas scraped", "count(up{job=~\".+\"} == 1) by (job)"),
    ];

    /// <summary>Adds one URL per query to the resource's URLs.</summary>
    /// <param name="prometheus">The Prometheus resource.</param>
    /// <param name="context">The URLs callback context.</param>
    public static void Add(PrometheusResource prometheus, ResourceUrlsCallbackContext context)
    {
        if (!prometheus.HttpEndpoint.IsAllocated)
        {
            return;
        }

        foreach (var (text, query) in Queries)
        {
            context.Urls.Add(new ResourceUrlAnnotation
            {
                Url = $"{prometheus.HttpEndpoint.Url}/graph?g0.expr={Uri.EscapeDataString(query)}&g0.tab=0&g0.range_input=15m",
                DisplayText = text,
            });
        }
    }
}
