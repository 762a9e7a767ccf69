using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using VllmAspire.Testing.Aspire;

namespace VllmAspire.AppHost.Tests;

/// <summary>What <c>dotnet run --project AppHost</c> promises, checked on one started AppHost.</summary>
[Collection(AppHostCollection.Name)]
public sealed class LocalRunTests(LocalRunFixture fixture)
{
    // Every resource of AppHost/Program.cs in a local run: the secrets are parameters, the HPA is a child of vLLM.
    private static readonly string[] Resources =
    [
        "gemma-7b", "metrics-adapter", "metrics-adapter-api-token", "prometheus", "prometheus-password",
        "provisioner", "provisioner-api-token", "vllm", "vllm-hpa",
    ];

    private RunningApp Run => fixture.Run;

    [Fact]
    public async Task Every_resource_is_running_and_healthy_and_the_replicas_the_autoscaler_has_not_started_are_not_started()
    {
        // A loaded machine may fail one health check now and then: the promise is the state the run settles in.
        await Run.WaitUntilAsync(app => Resources.Where(n => n != "vllm").All(name => app.Replicas(name).All(r => RunningApp.IsHealthy(r.Snapshot)))
                && app.Replicas("vllm") is { Count: LocalRunFixture.MaxReplicas } vllm
                && vllm.Count(r => RunningApp.IsHealthy(r.Snapshot)) == LocalRunFixture.RunningReplicas
                && vllm.Count(r => r.Snapshot.State?.Text == KnownResourceStates.NotStarted) == LocalRunFixture.MaxReplicas - LocalRunFixture.RunningReplicas,
            $"every resource Running and Healthy, {LocalRunFixture.RunningReplicas} of {LocalRunFixture.MaxReplicas} vLLM replicas so and the others NotStarted");
        Assert.Equal(Resources, Run.All.Where(e => !e.Snapshot.IsHidden).Select(e => e.Resource.Name).Distinct().Order(StringComparer.Ordinal));

        // `aspire describe`, as scripts read it, says the same.
        var described = "";
        var settled = Run.WaitUntilAsync(
            async () =>
            {
                var resources = await AspireCli.DescribeAsync(Environment.ProcessId);
                described = string.Join("\n", resources);
                var byName = resources.GroupBy(r => r.GetProperty("displayName").GetString()!).ToDictionary(g => g.Key, g => g.ToList());
                return byName.Keys.Order(StringComparer.Ordinal).SequenceEqual(Resources) && byName.All(e =>
                {
                    int Count(string state) => e.Value.Count(r => r.GetProperty("state").GetString() == state
                        && (state != "Running" || r.GetProperty("healthStatus").GetString() == "Healthy"));
                    return e.Key == "vllm"
                        ? Count("Running") == LocalRunFixture.RunningReplicas && Count("NotStarted") == LocalRunFixture.MaxReplicas - LocalRunFixture.RunningReplicas
                        : Count("Running") == e.Value.Count;
                });
            },
            "aspire describe --format Json to show the same");
        var timedOut = await Record.ExceptionAsync(() => settled);
        Assert.True(timedOut is null, $"{timedOut?.Message}\nThe last aspire describe:\n{described}");
    }

    [Fact]
    public async Task The_vllm_url_answers_an_openai_completion()
    {
        using var http = Run.App.CreateHttpClient("vllm");

        using var response = await http.PostAsJsonAsync("/v1/completions", new { model = "gemma-7b", prompt = "Hello", max_tokens = 8 });

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var completion = JsonDocument.Parse(body);
        Assert.Equal("text_completion", completion.RootElement.GetProperty("object").GetString());
        Assert.Equal("gemma-7b", completion.RootElement.GetProperty("model").GetString());
        Assert.False(string.IsNullOrEmpty(completion.RootElement.GetProperty("choices")[0].GetProperty("text").GetString()));
    }

    [Fact]
    public async Task Prometheus_holds_samples_of_every_running_replica_and_answers_only_this_runs_password()
    {
        var prometheus = Run.Model.Resources.OfType<PrometheusResource>().Single();
        var password = await prometheus.Password.GetValueAsync(default);
        using var http = new HttpClient { BaseAddress = Run.App.GetEndpoint("prometheus", "http") };
        using (var anonymous = await http.GetAsync(new Uri("/api/v1/query?query=up", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{PrometheusResource.UserName}:{password}")));
        var expected = fixture.RunningReplicaIds.Order(StringComparer.Ordinal).ToList();
        IReadOnlyList<string> pods = [];
        await Run.WaitUntilAsync(
            async () =>
            {
                using var query = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/v1/query?query=vllm:num_requests_running", UriKind.Relative)));
                pods = [.. query.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
                    .Select(r => r.GetProperty("metric").GetProperty("pod").GetString()!).Order(StringComparer.Ordinal)];
                return pods.SequenceEqual(expected);
            },
            $"Prometheus to hold vllm:num_requests_running of {string.Join(", ", expected)}");
        Assert.Equal(expected, pods);

        // Its URLs link to its own query UI for the questions asked across replicas; the queries answer.
        var links = Run.Replicas("prometheus").Single().Snapshot.Urls.Where(u => u.Url.Contains("/graph?g0.expr=", StringComparison.Ordinal)).ToList();
        Assert.Contains(links, u => u.DisplayProperties.DisplayName == "Queue (waiting, all replicas)");
        Assert.Contains(links, u => u.DisplayProperties.DisplayName == "TTFT p95");
        var scraped = links.Single(u => u.DisplayProperties.DisplayName == "Replicas scraped");
        Assert.StartsWith(http.BaseAddress!.ToString().TrimEnd('/'), scraped.Url, StringComparison.Ordinal);
        var expression = Uri.UnescapeDataString(scraped.Url.Split("g0.expr=")[1].Split('&')[0]);
        // One slow scrape on a loaded machine reads up 0 for a replica until the next: ask until every replica counts.
        await Run.WaitUntilAsync(
            async () =>
            {
                using var answer = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/api/v1/query?query={Uri.EscapeDataString(expression)}", UriKind.Relative)));
                return answer.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Any(r => r.GetProperty("metric").GetProperty("job").GetString() == "vllm"
                    && r.GetProperty("value")[1].GetString() == expected.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            },
            $"\"Replicas scraped\" ({expression}) to count {expected.Count}");
    }

    [Fact]
    public async Task The_metrics_adapter_reads_every_running_replica()
    {
        var adapter = Run.Model.Resources.OfType<MetricsAdapterResource>().Single();
        using var http = Run.App.CreateHttpClient("metrics-adapter");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await adapter.ApiToken.GetValueAsync(default));
        var expected = fixture.RunningReplicaIds.Order(StringComparer.Ordinal).ToList();

        await Run.WaitUntilAsync(
            async () =>
            {
                using var response = await http.GetAsync(new Uri("/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/%2A/vllm:num_requests_waiting?labelSelector=app%3Dvllm", UriKind.Relative));
                if (!response.IsSuccessStatusCode)
                {
                    return false;
                }

                using var list = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                var items = list.RootElement.GetProperty("items").EnumerateArray().ToList();
                return items.Select(i => i.GetProperty("describedObject").GetProperty("name").GetString()).Order(StringComparer.Ordinal).SequenceEqual(expected)
                    && items.All(i => i.GetProperty("value").GetString() == "0");
            },
            $"the adapter to list vllm:num_requests_waiting 0 for {string.Join(", ", expected)}");
    }

    [Fact]
    public async Task Secrets_are_parameters_masked_everywhere_and_never_written_to_the_data_folder()
    {
        var secrets = Run.Model.Resources.OfType<ParameterResource>().ToList();
        Assert.Equal(["metrics-adapter-api-token", "prometheus-password", "provisioner-api-token"], secrets.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.All(secrets, s => Assert.True(s.Secret, $"{s.Name} is not secret"));
        var values = new List<string>();
        foreach (var secret in secrets)
        {
            var value = await secret.GetValueAsync(default);
            Assert.True(value is { Length: >= 32 }, $"{secret.Name} is not a generated secret");
            values.Add(value!);
        }

        // `aspire describe` shows secret values as null and no value anywhere holds a secret.
        var described = await AspireCli.DescribeAsync(Environment.ProcessId);
        var text = string.Join('\n', described.Select(r => r.GetRawText()));
        Assert.DoesNotContain(values, s => text.Contains(s, StringComparison.Ordinal));
        var adapter = described.Single(r => r.GetProperty("displayName").GetString() == "metrics-adapter").GetProperty("environment");
        Assert.Equal(JsonValueKind.Null, adapter.GetProperty("MetricsAdapter__Token").ValueKind);
        Assert.Equal(JsonValueKind.Null, adapter.GetProperty("MetricsAdapter__PrometheusPassword").ValueKind);
        var provisioner = described.Single(r => r.GetProperty("displayName").GetString() == "provisioner").GetProperty("environment");
        Assert.Equal(JsonValueKind.Null, provisioner.GetProperty("Provisioner__ApiToken").ValueKind);

        // Nor does any file the run wrote (Prometheus's web config holds a bcrypt hash, never the password).
        foreach (var file in Directory.EnumerateFiles(Run.DataDirectory, "*", SearchOption.AllDirectories).Where(f => new FileInfo(f).Length < 1 << 20))
        {
            var content = await File.ReadAllTextAsync(file);
            Assert.DoesNotContain(values, s => content.Contains(s, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Vllm_replicas_start_only_once_the_weights_are_ready()
    {
        var weights = Run.Replicas("gemma-7b").Single().Snapshot;
        Assert.Equal(KnownResourceStates.Running, weights.State?.Text);
        Assert.True(weights.StartTimeStamp is not null, "the weights resource has no start time");
        Assert.All(Run.Replicas("vllm").Where(r => r.Snapshot.StartTimeStamp is not null), r =>
            Assert.True(r.Snapshot.StartTimeStamp >= weights.StartTimeStamp, $"{r.ResourceId} started at {r.Snapshot.StartTimeStamp:O}, before the weights were ready at {weights.StartTimeStamp:O}"));
        var waits = Run.Model.Resources.OfType<VllmResource>().Single().Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name);
        Assert.Contains("gemma-7b", waits);
    }

    [Fact]
    public async Task The_autoscaler_is_a_child_of_vllm_that_logs_every_decision_with_its_inputs()
    {
        var hpa = await Run.WaitForAsync("vllm-hpa", s => s.Properties.Any(p => p.Name == "hpa.pods" && p.Value?.ToString()?.Split(", ").Length == LocalRunFixture.RunningReplicas),
            $"a decision over {LocalRunFixture.RunningReplicas} pods");

        Assert.Equal("vllm", ((IResourceWithParent)hpa.Resource).Parent.Name);
        var properties = hpa.Snapshot.Properties.ToDictionary(p => p.Name, p => p.Value?.ToString());
        Assert.Equal("vllm:num_requests_waiting", properties["hpa.metric"]);
        Assert.Equal("0", properties["hpa.average"]);
        Assert.Equal("10", properties["hpa.target"]);
        Assert.Equal(LocalRunFixture.RunningReplicas.ToString(System.Globalization.CultureInfo.InvariantCulture), properties["hpa.currentReplicas"]);
        var logs = await Run.LogsAsync("vllm-hpa");
        Assert.Contains(logs, l => l.Contains($"vllm:num_requests_waiting average 0 (target 10) over {LocalRunFixture.RunningReplicas} pods", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_vllm_replica_start_is_a_trace_with_a_span_per_phase_as_aspire_otel_shows_it()
    {
        string[] phases = ["imports", "engine", "weight load", "torch.compile", "CUDA graph capture", "ready"];
        List<JsonElement> starts = [];
        await Run.WaitUntilAsync(
            async () =>
            {
                var (exitCode, output, _) = await AspireCli.RunAsync(Environment.ProcessId, ["otel", "traces", "vllm", "--format", "Json"]);
                if (exitCode != 0)
                {
                    return false;
                }

                using var traces = JsonDocument.Parse(output);
                starts = [.. traces.RootElement.EnumerateArray().Where(t => t.GetProperty("title").GetString() == "vLLM start").Select(t => t.Clone())];
                return starts.Count >= LocalRunFixture.RunningReplicas;
            },
            $"{LocalRunFixture.RunningReplicas} vLLM start traces in aspire otel traces vllm");

        foreach (var start in starts)
        {
            var spans = start.GetProperty("spans").EnumerateArray().ToList();
            var root = spans.Single(s => s.GetProperty("name").GetString() == "vLLM start");
            Assert.Equal("gemma-7b", root.GetProperty("attributes").GetProperty("vllm.model").GetString());
            var children = spans.Where(s => s.TryGetProperty("parentSpanId", out var parent) && parent.GetString() == root.GetProperty("spanId").GetString()).ToList();
            Assert.Equal(phases, children.OrderBy(s => s.GetProperty("timestamp").GetDateTimeOffset()).Select(s => s.GetProperty("name").GetString()));
        }

        // One trace per process: every running replica's start is there.
        Assert.Equal(starts.Count, starts.Select(s => s.GetProperty("spans").EnumerateArray().Single(x => x.GetProperty("name").GetString() == "vLLM start")
            .GetProperty("attributes").GetProperty("process.pid").GetString()).Distinct().Count());
    }
}
