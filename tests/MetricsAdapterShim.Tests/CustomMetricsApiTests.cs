namespace VllmAspire.MetricsAdapterShim.Tests;

public sealed class CustomMetricsApiTests
{
    private const string Base = "/apis/custom.metrics.k8s.io";

    [Fact]
    public async Task Discovery_documents_list_both_versions_with_v1beta2_preferred_and_only_configured_metrics()
    {
        await using var shim = await ShimFixture.StartAsync([], new() { ["MetricsAdapter:Metrics:0"] = "vllm:num_requests_waiting" });
        var versions = """[{"groupVersion":"custom.metrics.k8s.io/v1beta2","version":"v1beta2"},{"groupVersion":"custom.metrics.k8s.io/v1beta1","version":"v1beta1"}]""";
        var preferred = """{"groupVersion":"custom.metrics.k8s.io/v1beta2","version":"v1beta2"}""";

        Assert.Equal((200, $$"""{"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"custom.metrics.k8s.io","versions":{{versions}},"preferredVersion":{{preferred}}}]}"""),
            await shim.GetAsync("/apis"));
        Assert.Equal((200, $$"""{"kind":"APIGroup","apiVersion":"v1","name":"custom.metrics.k8s.io","versions":{{versions}},"preferredVersion":{{preferred}}}"""),
            await shim.GetAsync(Base));
        foreach (var version in new[] { "v1beta2", "v1beta1" })
        {
            Assert.Equal((200, $$"""{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"custom.metrics.k8s.io/{{version}}","resources":[{"name":"pods/vllm:num_requests_waiting","singularName":"","namespaced":true,"kind":"MetricValueList","verbs":["get"]},{"name":"namespaces/vllm:num_requests_waiting","singularName":"","namespaced":false,"kind":"MetricValueList","verbs":["get"]}]}"""),
                await shim.GetAsync($"{Base}/{version}"));
        }
    }

    [Fact]
    public async Task Pods_by_selector_v1beta2_sums_series_per_pod_and_formats_quantities()
    {
        await using var shim = await ShimFixture.StartAsync(["vllm-0", "vllm-1"]);
        // Two engines on vllm-0 (data parallel): the pod's value is their sum, 1.5.
        shim.PodMetrics["vllm-0"] = ShimFixture.VllmMetrics(1, engine: "0") + ShimFixture.VllmMetrics(0.5, engine: "1");
        shim.PodMetrics["vllm-1"] = ShimFixture.VllmMetrics(2);

        var (status, body) = await shim.GetAsync($"{Base}/v1beta2/namespaces/default/pods/%2A/vllm:num_requests_waiting?labelSelector=app%3Dvllm");

        Assert.Equal(200, status);
        Assert.Equal("""{"kind":"MetricValueList","apiVersion":"custom.metrics.k8s.io/v1beta2","metadata":{},"items":[""" +
            """{"describedObject":{"kind":"Pod","namespace":"default","name":"vllm-0","apiVersion":"/v1"},"metric":{"name":"vllm:num_requests_waiting","selector":null},"timestamp":"2025-06-01T12:00:00Z","value":"1500m"},""" +
            """{"describedObject":{"kind":"Pod","namespace":"default","name":"vllm-1","apiVersion":"/v1"},"metric":{"name":"vllm:num_requests_waiting","selector":null},"timestamp":"2025-06-01T12:00:00Z","value":"2"}]}""",
            body);
    }

    [Fact]
    public async Task Pods_by_selector_v1beta1_uses_the_flat_shape()
    {
        await using var shim = await ShimFixture.StartAsync(["vllm-0"]);
        shim.PodMetrics["vllm-0"] = ShimFixture.VllmMetrics(3);

        var (status, body) = await shim.GetAsync($"{Base}/v1beta1/namespaces/default/pods/*/vllm:num_requests_waiting");

        Assert.Equal(200, status);
        Assert.Equal("""{"kind":"MetricValueList","apiVersion":"custom.metrics.k8s.io/v1beta1","metadata":{},"items":[""" +
            """{"describedObject":{"kind":"Pod","namespace":"default","name":"vllm-0","apiVersion":"/v1"},"metricName":"vllm:num_requests_waiting","timestamp":"2025-06-01T12:00:00Z","value":"3","selector":null}]}""",
            body);
    }

    [Fact]
    public async Task Google_metric_name_arrives_percent_encoded_and_metric_labels_selector_maps_to_the_prometheus_label()
    {
        await using var shim = await ShimFixture.StartAsync(["vllm-0"]);
        shim.PodMetrics["vllm-0"] = ShimFixture.VllmMetrics(4, model: "a") + ShimFixture.VllmMetrics(7, model: "b");

        var (status, body) = await shim.GetAsync(
            $"{Base}/v1beta2/namespaces/default/pods/%2A/prometheus.googleapis.com%7Cvllm:num_requests_waiting%7Cgauge?labelSelector=app%3Dvllm&metricLabelSelector=metric.labels.model_name%3Da");

        Assert.Equal(200, status);
        Assert.Contains("""
            "metric":{"name":"prometheus.googleapis.com|vllm:num_requests_waiting|gauge","selector":{"matchLabels":{"metric.labels.model_name":"a"}}},"timestamp":"2025-06-01T12:00:00Z","value":"4"}
            """, body);
    }

    [Fact]
    public async Task Only_running_pods_that_match_the_selector_and_answer_get_items_and_a_loading_pod_is_missing_not_zero()
    {
        await using var shim = await ShimFixture.StartAsync(["vllm-0", "vllm-1", "vllm-2", "other-0"]);
        shim.PodMetrics["vllm-0"] = ShimFixture.VllmMetrics(5);
        // vllm-1 is loading weights: /metrics answers 503.
        shim.PodMetrics["vllm-2"] = ShimFixture.VllmMetrics(9);
        shim.SetReplica("vllm-2", null); // stopped: the AppHost takes it off the targets file
        shim.PodMetrics["other-0"] = ShimFixture.VllmMetrics(100);
        shim.SetReplica("other-0", "other");

        var (status, body) = await shim.GetAsync($"{Base}/v1beta2/namespaces/default/pods/*/vllm:num_requests_waiting?labelSelector=app%20in%20(vllm,other),app!=other");

        Assert.Equal(200, status);
        Assert.Contains("\"name\":\"vllm-0\"", body);
        Assert.DoesNotContain("vllm-1", body);
        Assert.DoesNotContain("vllm-2", body);
        Assert.DoesNotContain("other-0", body);
    }

    [Fact]
    public async Task No_pod_answering_is_a_500_status_without_details_and_an_unmatched_selector_is_an_empty_list()
    {
        await using var shim = await ShimFixture.StartAsync(["vllm-0"]);

        Assert.Equal((500, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Internal error occurred: unable to fetch metrics","reason":"InternalError","code":500}"""),
            await shim.GetAsync($"{Base}/v1beta2/namespaces/default/pods/*/vllm:num_requests_waiting"));
        Assert.Equal((200, """{"kind":"MetricValueList","apiVersion":"custom.metrics.k8s.io/v1beta2","metadata":{},"items":[]}"""),
            await shim.GetAsync($"{Base}/v1beta2/namespaces/default/pods/*/vllm:num_requests_waiting?labelSelector=app%3Dnone"));
        Assert.Equal((200, """{"kind":"MetricValueList","apiVersion":"custom.metrics.k8s.io/v1beta2","metadata":{},"items":[]}"""),
            await shim.GetAsync($"{Base}/v1beta2/namespaces/llm/pods/*/vllm:num_requests_waiting"));
    }

    [Fact]
    public async Task Unknown_metric_is_a_404_status_in_the_custom_metrics_apiserver_wording()
    {
        await using var shim = await ShimFixture.StartAsync(["vllm-0"]);
        shim.PodMetrics["vllm-0"] = ShimFixture.VllmMetrics(1);

        Assert.Equal((404, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the metric http_requests_total for pods","reason":"NotFound","code":404}"""),
            await shim.GetAsync($"{Base}/v1beta2/namespaces/default/pods/*/http_requests_total"));
        var (status, body) = await shim.GetAsync($"{Base}/v1beta2/namespaces/default/pods/*/prometheus.googleapis.com%7Cvllm:num_requests_waiting%7Cdistribution");
        Assert.Equal(404, status);
        Assert.Contains("has kind 'distribution'", body);
        Assert.Equal(404, (await shim.GetAsync($"{Base}/v1beta3/namespaces/default/pods/*/vllm:num_requests_waiting")).Status);
        Assert.Equal(404, (await shim.GetAsync($"{Base}/v1beta2/namespaces/default/services/vllm/vllm:num_requests_waiting")).Status);
    }

    [Fact]
    public async Task Single_pod_and_namespace_object_routes()
    {
        await using var shim = await ShimFixture.StartAsync(["vllm-0", "vllm-1"]);
        shim.PodMetrics["vllm-0"] = ShimFixture.VllmMetrics(2, running: 1);
        shim.PodMetrics["vllm-1"] = ShimFixture.VllmMetrics(0.25, running: 3);

        var (status, body) = await shim.GetAsync($"{Base}/v1beta2/namespaces/default/pods/vllm-1/vllm:num_requests_running");
        Assert.Equal(200, status);
        Assert.Contains("""{"describedObject":{"kind":"Pod","namespace":"default","name":"vllm-1","apiVersion":"/v1"},"metric":{"name":"vllm:num_requests_running","selector":null},"timestamp":"2025-06-01T12:00:00Z","value":"3"}""", body);
        Assert.DoesNotContain("vllm-0", body);

        Assert.Equal((404, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the metric vllm:num_requests_running for pods vllm-9","reason":"NotFound","code":404}"""),
            await shim.GetAsync($"{Base}/v1beta2/namespaces/default/pods/vllm-9/vllm:num_requests_running"));

        Assert.Equal((200, """{"kind":"MetricValueList","apiVersion":"custom.metrics.k8s.io/v1beta2","metadata":{},"items":[{"describedObject":{"kind":"Namespace","name":"default","apiVersion":"/v1"},"metric":{"name":"vllm:num_requests_waiting","selector":null},"timestamp":"2025-06-01T12:00:00Z","value":"2250m"}]}"""),
            await shim.GetAsync($"{Base}/v1beta2/namespaces/default/metrics/vllm:num_requests_waiting"));
    }

    [Fact]
    public async Task Kv_cache_alias_finds_the_v0_name()
    {
        await using var shim = await ShimFixture.StartAsync(["vllm-0"]);
        shim.PodMetrics["vllm-0"] = "vllm:gpu_cache_usage_perc{model_name=\"m\"} 0.4375\n";

        var (status, body) = await shim.GetAsync($"{Base}/v1beta2/namespaces/default/pods/*/vllm:kv_cache_usage_perc");

        Assert.Equal(200, status);
        Assert.Contains("\"metric\":{\"name\":\"vllm:kv_cache_usage_perc\",\"selector\":null},\"timestamp\":\"2025-06-01T12:00:00Z\",\"value\":\"437m\"", body);
    }

    [Fact]
    public async Task Counter_kind_is_a_per_second_rate_between_scrapes_and_missing_until_there_are_two()
    {
        await using var shim = await ShimFixture.StartAsync(["vllm-0"], new() { ["MetricsAdapter:Metrics:0"] = "vllm:prompt_tokens_total" });
        var path = $"{Base}/v1beta2/namespaces/default/pods/*/prometheus.googleapis.com%7Cvllm:prompt_tokens_total%7Ccounter";
        shim.PodMetrics["vllm-0"] = "vllm:prompt_tokens_total{model_name=\"m\"} 1000\n";

        Assert.Equal(500, (await shim.GetAsync(path)).Status);

        shim.Time.Advance(TimeSpan.FromSeconds(10));
        shim.PodMetrics["vllm-0"] = "vllm:prompt_tokens_total{model_name=\"m\"} 1050\n";
        var (status, body) = await shim.GetAsync(path);

        Assert.Equal(200, status);
        Assert.Contains("\"timestamp\":\"2025-06-01T12:00:10Z\",\"windowSeconds\":60,\"value\":\"5\"", body);
    }

    [Fact]
    public async Task Scrapes_are_cached_briefly()
    {
        await using var shim = await ShimFixture.StartAsync(["vllm-0"], new() { ["MetricsAdapter:ScrapeCache"] = "00:00:05" });
        shim.PodMetrics["vllm-0"] = ShimFixture.VllmMetrics(1);
        var path = $"{Base}/v1beta2/namespaces/default/pods/*/vllm:num_requests_waiting";
        Assert.Contains("\"value\":\"1\"", (await shim.GetAsync(path)).Body);

        shim.PodMetrics["vllm-0"] = ShimFixture.VllmMetrics(6);
        Assert.Contains("\"value\":\"1\"", (await shim.GetAsync(path)).Body);

        shim.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Contains("\"value\":\"6\"", (await shim.GetAsync(path)).Body);
    }

    [Fact]
    public async Task Queried_pods_are_kept_fresh_in_the_background_so_the_next_query_needs_no_scrape()
    {
        await using var shim = await ShimFixture.StartAsync(["vllm-0"], new() { ["MetricsAdapter:ScrapeCache"] = "00:00:02", ["MetricsAdapter:KeepFresh"] = "00:00:01", ["MetricsAdapter:KeepFreshFor"] = "00:00:30" });
        shim.PodMetrics["vllm-0"] = ShimFixture.VllmMetrics(1);
        var path = $"{Base}/v1beta2/namespaces/default/pods/*/vllm:num_requests_waiting";
        Assert.Contains("\"value\":\"1\"", (await shim.GetAsync(path)).Body);
        Assert.Equal(1, shim.Scrapes);

        // One background tick: the pod is re-scraped without any query.
        shim.PodMetrics["vllm-0"] = ShimFixture.VllmMetrics(4);
        shim.Time.Advance(TimeSpan.FromSeconds(1));
        await shim.WaitForScrapesAsync(2);
        // 1.5 s after the first scrape, past KeepFresh but within ScrapeCache: answered from the background scrape.
        shim.Time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Contains("\"value\":\"4\"", await shim.GetUntilAsync(path, "\"value\":\"4\""));
        Assert.Equal(2, shim.Scrapes);

    }

    [Fact]
    public async Task A_query_during_a_slow_background_refresh_is_answered_from_the_last_scrape_without_waiting()
    {
        await using var shim = await ShimFixture.StartAsync(["vllm-0"], new() { ["MetricsAdapter:ScrapeCache"] = "00:00:02", ["MetricsAdapter:KeepFresh"] = "00:00:01", ["MetricsAdapter:KeepFreshFor"] = "00:00:30" });
        shim.PodMetrics["vllm-0"] = ShimFixture.VllmMetrics(1);
        var path = $"{Base}/v1beta2/namespaces/default/pods/*/vllm:num_requests_waiting";
        Assert.Contains("\"value\":\"1\"", (await shim.GetAsync(path)).Body);

        // The pod now hangs: the background refresh 1 s later starts a scrape that does not finish.
        shim.ScrapeGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        shim.PodMetrics["vllm-0"] = ShimFixture.VllmMetrics(4);
        shim.Time.Advance(TimeSpan.FromSeconds(1));
        await shim.WaitForScrapesAsync(2);
        shim.Time.Advance(TimeSpan.FromMilliseconds(500));
        // Within ScrapeCache of the finished scrape: answered at once from it, not queued behind the refresh.
        using (var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            using var response = await shim.Client.GetAsync(new Uri(shim.ShimUrl, path), quick.Token);
            Assert.Contains("\"value\":\"1\"", await response.Content.ReadAsStringAsync());
        }

        shim.ScrapeGate.SetResult();
        Assert.Contains("\"value\":\"4\"", await shim.GetUntilAsync(path, "\"value\":\"4\""));
        Assert.Equal(2, shim.Scrapes);
    }

    [Fact]
    public async Task Callers_without_the_token_are_refused_with_401_and_health_stays_open()
    {
        await using var shim = await ShimFixture.StartAsync(["vllm-0"]);
        using var anonymous = new HttpClient();
        using var wrong = new HttpClient();
        wrong.DefaultRequestHeaders.Authorization = new("Bearer", "not-the-token");
        // Front-proxy identity headers without a verified client certificate are not an identity.
        using var spoofed = new HttpClient();
        spoofed.DefaultRequestHeaders.Add("X-Remote-User", "system:kube-aggregator");
        spoofed.DefaultRequestHeaders.Add("X-Remote-Group", "system:masters");

        foreach (var client in new[] { anonymous, wrong, spoofed })
        {
            using var response = await client.GetAsync(new Uri(shim.ShimUrl, $"{Base}/v1beta2/namespaces/default/pods/*/vllm:num_requests_waiting"));
            Assert.Equal(401, (int)response.StatusCode);
            Assert.Contains("\"reason\":\"Unauthorized\"", await response.Content.ReadAsStringAsync());
        }

        using var health = await anonymous.GetAsync(new Uri(shim.ShimUrl, "/health"));
        Assert.Equal(200, (int)health.StatusCode);
    }

    [Fact]
    public async Task Malformed_selector_is_a_400_that_names_it()
    {
        await using var shim = await ShimFixture.StartAsync(["vllm-0"]);

        var (status, body) = await shim.GetAsync($"{Base}/v1beta2/namespaces/default/pods/*/vllm:num_requests_waiting?labelSelector=app%20in%20vllm");

        Assert.Equal(400, status);
        Assert.Contains("\"reason\":\"BadRequest\"", body);
        Assert.Contains("must be in parentheses", body);
    }

    [Fact]
    public async Task A_targets_file_that_is_not_file_sd_json_is_a_500_unable_to_list()
    {
        await using var shim = await ShimFixture.StartAsync(["vllm-0"]);
        await File.WriteAllTextAsync(shim.TargetsFile("vllm"), "{ not file_sd");

        Assert.Equal((500, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Internal error occurred: unable to list matching resources","reason":"InternalError","code":500}"""),
            await shim.GetAsync($"{Base}/v1beta2/namespaces/default/pods/*/vllm:num_requests_waiting"));
    }
}
