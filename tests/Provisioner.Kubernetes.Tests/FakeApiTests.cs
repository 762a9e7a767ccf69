using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using VllmAspire.Testing.Fakes.Kubernetes;

namespace VllmAspire.Provisioner.Kubernetes.Tests;

/// <summary>The fake behaves as the API server where our code depends on it.</summary>
public sealed class FakeApiTests
{
    private const string ConfigMap = """{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"a","namespace":"default","labels":{"x":"1"}}}""";

    [Fact]
    public async Task Apply_ChangesResourceVersionOnlyWhenTheObjectChanges()
    {
        await using var fake = await FakeKubernetesApi.StartAsync();
        using var http = new HttpClient { BaseAddress = fake.BaseAddress };

        var created = await ApplyAsync(http, "api/v1/namespaces/default/serviceaccounts/a", ConfigMap);
        var same = await ApplyAsync(http, "api/v1/namespaces/default/serviceaccounts/a", ConfigMap);
        var changed = await ApplyAsync(http, "api/v1/namespaces/default/serviceaccounts/a", ConfigMap.Replace("\"1\"", "\"2\"", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Created, created.Code);
        Assert.Equal(HttpStatusCode.OK, same.Code);
        Assert.Equal(RV(created.Body), RV(same.Body));
        Assert.NotEqual(RV(same.Body), RV(changed.Body));
        Assert.Equal("2", (string?)changed.Body["metadata"]!["labels"]!["x"]);
    }

    [Fact]
    public async Task Apply_ByAnotherManagerWithoutForce_IsAConflict_AndWithForce_TakesTheField()
    {
        await using var fake = await FakeKubernetesApi.StartAsync();
        using var http = new HttpClient { BaseAddress = fake.BaseAddress };
        fake.Seed(JsonNode.Parse(ConfigMap)!.AsObject(), "kubectl");

        var conflict = await ApplyAsync(http, "api/v1/namespaces/default/serviceaccounts/a", ConfigMap.Replace("\"1\"", "\"2\"", StringComparison.Ordinal), force: false);
        var forced = await ApplyAsync(http, "api/v1/namespaces/default/serviceaccounts/a", ConfigMap.Replace("\"1\"", "\"2\"", StringComparison.Ordinal), force: true);

        Assert.Equal(HttpStatusCode.Conflict, conflict.Code);
        Assert.Equal("Conflict", (string?)conflict.Body["reason"]);
        Assert.Contains("conflict with \"kubectl\": .metadata.labels.x", (string?)conflict.Body["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, forced.Code);
        Assert.Equal("2", (string?)forced.Body["metadata"]!["labels"]!["x"]);
    }

    [Fact]
    public async Task Apply_RejectsUndeclaredFields_InBuiltInKindsAndCustomResources()
    {
        await using var fake = await FakeKubernetesApi.StartAsync();
        using var http = new HttpClient { BaseAddress = fake.BaseAddress };

        var builtIn = await ApplyAsync(http, "api/v1/namespaces/default/serviceaccounts/a", ConfigMap.Replace("\"labels\"", "\"labelz\"", StringComparison.Ordinal));
        var custom = await ApplyAsync(http, "apis/monitoring.googleapis.com/v1/namespaces/default/podmonitorings/m",
            """{"apiVersion":"monitoring.googleapis.com/v1","kind":"PodMonitoring","metadata":{"name":"m","namespace":"default"},"spec":{"selector":{},"endpoints":[{"port":"http","intervall":"15s"}]}}""");

        Assert.Equal(HttpStatusCode.BadRequest, builtIn.Code);
        Assert.Contains(".metadata.labelz: field not declared in schema", (string?)builtIn.Body["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, custom.Code);
        Assert.Contains(".spec.endpoints[0].intervall: field not declared in schema", (string?)custom.Body["message"], StringComparison.Ordinal);
        Assert.Null(fake.Get("serviceaccounts", "default", "a"));
    }

    [Fact]
    public async Task Apply_IntoAMissingNamespace_IsNotFound_AndAnInvalidDeploymentIsUnprocessable()
    {
        await using var fake = await FakeKubernetesApi.StartAsync();
        using var http = new HttpClient { BaseAddress = fake.BaseAddress };

        var missing = await ApplyAsync(http, "api/v1/namespaces/nowhere/serviceaccounts/a", ConfigMap.Replace("\"default\"", "\"nowhere\"", StringComparison.Ordinal));
        var invalid = await ApplyAsync(http, "apis/apps/v1/namespaces/default/deployments/d",
            """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"default"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"c"}},"spec":{"containers":[{"name":"c"}]}}}}""");

        Assert.Equal(HttpStatusCode.NotFound, missing.Code);
        Assert.Equal("namespaces \"nowhere\" not found", (string?)missing.Body["message"]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.Code);
        Assert.Equal("Invalid", (string?)invalid.Body["reason"]);
        Assert.Contains("spec.template.spec.containers[0].image: Required value", (string?)invalid.Body["message"], StringComparison.Ordinal);
        Assert.Contains("`selector` does not match template `labels`", (string?)invalid.Body["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_RejectsAnInvalidLabelValue_AndAChangedDeploymentSelector()
    {
        await using var fake = await FakeKubernetesApi.StartAsync();
        using var http = new HttpClient { BaseAddress = fake.BaseAddress };
        const string Deployment = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"default"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}""";

        var badLabel = await ApplyAsync(http, "api/v1/namespaces/default/serviceaccounts/a", ConfigMap.Replace("\"1\"", "\"not valid!\"", StringComparison.Ordinal));
        var created = await ApplyAsync(http, "apis/apps/v1/namespaces/default/deployments/d", Deployment);
        var reselected = await ApplyAsync(http, "apis/apps/v1/namespaces/default/deployments/d", Deployment.Replace("\"b\"", "\"c\"", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, badLabel.Code);
        Assert.Contains("a valid label must be an empty string", (string?)badLabel.Body["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, created.Code);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reselected.Code);
        Assert.Contains("spec.selector: Invalid value: field is immutable", (string?)reselected.Body["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_StreamsPodEventsToKubernetesClient()
    {
        await using var fake = await FakeKubernetesApi.StartAsync(new FakeKubernetesOptions { ReadyDelay = TimeSpan.FromMilliseconds(200) });
        using var client = new k8s.Kubernetes(fake.ClientConfiguration());
        using var http = new HttpClient { BaseAddress = fake.BaseAddress };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        var applied = await ApplyAsync(http, "apis/apps/v1/namespaces/default/deployments/w",
            """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w","namespace":"default"},"spec":{"selector":{"matchLabels":{"app":"w"}},"template":{"metadata":{"labels":{"app":"w"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}""");
        Assert.Equal(HttpStatusCode.Created, applied.Code);

        var seen = new List<WatchEventType>();
        await foreach (var (type, pod) in client.CoreV1.WatchListNamespacedPodAsync("default", labelSelector: "app=w", cancellationToken: timeout.Token))
        {
            seen.Add(type);
            if (pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true)
            {
                break;
            }
        }

        Assert.Equal(WatchEventType.Added, seen[0]);
        Assert.Contains(WatchEventType.Modified, seen);
    }

    [Fact]
    public async Task DryRunApply_AnswersWhatWouldBeStored_AndStoresNothing()
    {
        await using var bed = await TestBed.StartAsync();
        var ns = bed.Manifests.Objects.Single(o => o.Key == "kubernetes/Namespace/vllm");

        var answer = await bed.Operations.ApplyAsync(ns, dryRun: true, CancellationToken.None);

        Assert.Equal("vllm", (string?)answer["metadata"]!["labels"]!["kubernetes.io/metadata.name"]);
        Assert.Equal("Active", (string?)answer["status"]!["phase"]);
        Assert.Null(bed.Fake.Get("namespaces", null, "vllm"));
        Assert.Empty(bed.Fake.Writes);
        Assert.Contains(bed.Fake.Requests, r => r.Method == "PATCH" && r.Query.Contains("dryRun=All", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Background", 0)]
    [InlineData("Orphan", 1)]
    public async Task Delete_RemovesDependents_UnlessOrphaned(string propagation, int podsLeft)
    {
        await using var fake = await FakeKubernetesApi.StartAsync();
        using var client = new k8s.Kubernetes(fake.ClientConfiguration());
        using var http = new HttpClient { BaseAddress = fake.BaseAddress };
        await ApplyAsync(http, "apis/apps/v1/namespaces/default/deployments/w",
            """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w","namespace":"default"},"spec":{"selector":{"matchLabels":{"app":"w"}},"template":{"metadata":{"labels":{"app":"w"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}""");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while ((await client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=w", cancellationToken: timeout.Token)).Items.Count == 0)
        {
            await Task.Delay(10, timeout.Token);
        }

        var status = await client.AppsV1.DeleteNamespacedDeploymentAsync("w", "default", propagationPolicy: propagation, cancellationToken: timeout.Token);

        Assert.Equal("Success", status.Status);
        Assert.Equal(podsLeft, (await client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=w")).Items.Count);
        var missing = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => client.AppsV1.ReadNamespacedDeploymentAsync("w", "default"));
        Assert.Equal(HttpStatusCode.NotFound, missing.Response.StatusCode);
        Assert.Equal("deployments.apps \"w\" not found", (string?)JsonNode.Parse(missing.Response.Content)!["message"]);
    }

    private static string RV(JsonObject obj) => (string)obj["metadata"]!["resourceVersion"]!;

    private static async Task<(HttpStatusCode Code, JsonObject Body)> ApplyAsync(HttpClient http, string path, string body, bool force = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"{path}?fieldManager=vllm-aspire{(force ? "&force=true" : "")}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/apply-patch+yaml"),
        };
        using var response = await http.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }
}
