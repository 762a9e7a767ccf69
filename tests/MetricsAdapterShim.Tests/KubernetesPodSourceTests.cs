using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace VllmAspire.MetricsAdapterShim.Tests;

public sealed class KubernetesPodSourceTests
{
    [Fact]
    public async Task In_a_cluster_pods_come_from_the_kubernetes_api_and_only_running_untermininated_ones_are_scraped()
    {
        ShimFixture? shim = null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var api = builder.Build();
        var listed = 0;
        api.MapGet("/api/v1/namespaces/{ns}/pods", (string ns) =>
        {
            Interlocked.Increment(ref listed);
            object Pod(string name, string phase, string app, bool deleting = false) => new
            {
                metadata = new
                {
                    name,
                    @namespace = ns,
                    labels = new Dictionary<string, string> { ["app"] = app },
                    annotations = new Dictionary<string, string> { ["prometheus.io/port"] = new Uri(shim!.PodUrls[name]).Port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                    deletionTimestamp = deleting ? "2025-06-01T11:59:00Z" : null,
                },
                status = new { phase, podIP = "127.0.0.1" },
            };
            return Results.Json(new
            {
                kind = "PodList",
                apiVersion = "v1",
                metadata = new { resourceVersion = "1" },
                items = new[] { Pod("vllm-0", "Running", "vllm"), Pod("vllm-1", "Pending", "vllm"), Pod("vllm-2", "Running", "vllm", deleting: true), Pod("other-0", "Running", "other") },
            });
        });
        await api.StartAsync();
        var kubeconfig = Path.GetTempFileName();
        await File.WriteAllTextAsync(kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters: [{"{"}name: fake, cluster: {"{"}server: "{api.Urls.Single()}"{"}"}{"}"}]
            users: [{"{"}name: u, user: {"{"}token: t{"}"}{"}"}]
            contexts: [{"{"}name: c, context: {"{"}cluster: fake, user: u{"}"}{"}"}]
            current-context: c
            """);
        Environment.SetEnvironmentVariable("KUBECONFIG", kubeconfig);
        try
        {
            await using var started = shim = await ShimFixture.StartAsync(["vllm-0", "vllm-1", "vllm-2", "other-0"], new() { ["MetricsAdapter:PodSource"] = "kubernetes" });
            foreach (var pod in new[] { "vllm-0", "vllm-1", "vllm-2", "other-0" })
            {
                shim.PodMetrics[pod] = ShimFixture.VllmMetrics(3);
            }

            var (status, body) = await shim.GetAsync("/apis/custom.metrics.k8s.io/v1beta2/namespaces/llm/pods/%2A/vllm:num_requests_waiting?labelSelector=app%3Dvllm");

            Assert.Equal(200, status);
            using var document = JsonDocument.Parse(body);
            var names = document.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("describedObject").GetProperty("name").GetString()).ToList();
            Assert.Equal(["vllm-0"], names);
            Assert.Contains("\"namespace\":\"llm\"", body);
            Assert.Equal(1, listed);
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUBECONFIG", null);
            File.Delete(kubeconfig);
        }
    }
}
