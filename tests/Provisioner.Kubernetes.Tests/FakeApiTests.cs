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

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("caBundle", "\"Y2E=\"", null)]
    [InlineData("insecureSkipTLSVerify", "true", "spec.insecureSkipTLSVerify: Invalid value: true: may not be true if caBundle is present")]
    [InlineData("groupPriorityMinimum", "0", "spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000")]
    [InlineData("versionPriority", "1001", "spec.versionPriority: Invalid value: 1001: must be positive and less than 1000")]
    [InlineData("service", "{\"namespace\":\"m\",\"port\":443}", "spec.service.name: Required value")]
    [InlineData("version", "\"v1beta2\"", "metadata.name: Invalid value: \"v1beta1.custom.metrics.k8s.io\": must be `spec.version+")]
    public async Task Apply_ValidatesAnAPIServiceAsTheAggregatorDoes(string? field, string? value, string? error)
    {
        await using var fake = await FakeKubernetesApi.StartAsync();
        using var http = new HttpClient { BaseAddress = fake.BaseAddress };
        var body = JsonNode.Parse("""{"apiVersion":"apiregistration.k8s.io/v1","kind":"APIService","metadata":{"name":"v1beta1.custom.metrics.k8s.io"},"spec":{"group":"custom.metrics.k8s.io","version":"v1beta1","groupPriorityMinimum":100,"versionPriority":100,"caBundle":"Y2E=","service":{"name":"s","namespace":"m","port":443}}}""")!;
        if (field is not null)
        {
            // Each case changes one field of a valid spec (which has a caBundle).
            body["spec"]![field] = JsonNode.Parse(value!);
        }

        var result = await ApplyAsync(http, "apis/apiregistration.k8s.io/v1/apiservices/v1beta1.custom.metrics.k8s.io", body.ToJsonString());

        if (error is null)
        {
            Assert.True(result.Code == HttpStatusCode.Created, result.Body.ToJsonString());
        }
        else
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, result.Code);
            Assert.Contains(error, (string?)result.Body["message"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Watch_StreamsPodEventsToKubernetesClient()
    {
        await using var fake = await FakeKubernetesApi.StartAsync(new FakeKubernetesOptions { ReadyDelay = TimeSpan.FromMilliseconds(200) });
        using var client = new k8s.Kubernetes(fake.ClientConfiguration());
        using var http = new HttpClient { BaseAddress = fake.BaseAddress };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        // List, then watch from the list's resourceVersion, as informers do: the watch carries every change after it,
        // however late it opens. (Without it, the watch would start with the pod as it is by then, maybe already Ready.)
        var before = await client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=w", cancellationToken: timeout.Token);
        Assert.Empty(before.Items);

        var applied = await ApplyAsync(http, "apis/apps/v1/namespaces/default/deployments/w",
            """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w","namespace":"default"},"spec":{"selector":{"matchLabels":{"app":"w"}},"template":{"metadata":{"labels":{"app":"w"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}""");
        Assert.Equal(HttpStatusCode.Created, applied.Code);

        var seen = new List<WatchEventType>();
        await foreach (var (type, pod) in client.CoreV1.WatchListNamespacedPodAsync("default", labelSelector: "app=w", resourceVersion: before.Metadata.ResourceVersion, cancellationToken: timeout.Token))
        {
            seen.Add(type);
            if (pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true)
            {
                break;
            }
        }

        Assert.Equal(WatchEventType.Added, seen[0]);
        Assert.Contains(WatchEventType.Modified, seen);

        // Without a resourceVersion a watch starts at the current state, each object a synthetic ADDED: the pod as Ready.
        var (firstType, current) = await client.CoreV1.WatchListNamespacedPodAsync("default", labelSelector: "app=w", cancellationToken: timeout.Token).FirstAsync(timeout.Token);
        Assert.Equal(WatchEventType.Added, firstType);
        Assert.Contains(current.Status.Conditions, c => c.Type == "Ready" && c.Status == "True");
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

    [Fact]
    public async Task Apply_AcceptsOnlyAlwaysAsAnInitContainersRestartPolicy_AndProbesOnlyOnSidecars()
    {
        await using var fake = await FakeKubernetesApi.StartAsync();
        using var http = new HttpClient { BaseAddress = fake.BaseAddress };
        static string WithInit(string init) =>
            """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"default"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"initContainers":["""
            + init + """],"containers":[{"name":"c","image":"nginx"}]}}}}""";

        var never = await ApplyAsync(http, "apis/apps/v1/namespaces/default/deployments/d", WithInit("""{"name":"s","image":"busybox","restartPolicy":"Never"}"""));
        var probed = await ApplyAsync(http, "apis/apps/v1/namespaces/default/deployments/d", WithInit("""{"name":"s","image":"busybox","startupProbe":{"exec":{"command":["true"]}}}"""));
        var duplicate = await ApplyAsync(http, "apis/apps/v1/namespaces/default/deployments/d", WithInit("""{"name":"c","image":"busybox","restartPolicy":"Always"}"""));
        var sidecar = await ApplyAsync(http, "apis/apps/v1/namespaces/default/deployments/d", WithInit("""{"name":"s","image":"busybox","restartPolicy":"Always","startupProbe":{"exec":{"command":["true"]}}}"""));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, never.Code);
        Assert.Contains("spec.template.spec.initContainers[0].restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"", (string?)never.Body["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, probed.Code);
        Assert.Contains("spec.template.spec.initContainers[0].startupProbe: Forbidden", (string?)probed.Body["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, duplicate.Code);
        Assert.Contains("spec.template.spec.initContainers[0].name: Duplicate value: \"c\"", (string?)duplicate.Body["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, sidecar.Code);
    }

    [Fact]
    public async Task APodWithANativeSidecar_BecomesReadyWithTheSidecarRunning_AndEachContainerHasItsOwnLog()
    {
        await using var fake = await FakeKubernetesApi.StartAsync();
        using var client = new k8s.Kubernetes(fake.ClientConfiguration());
        using var http = new HttpClient { BaseAddress = fake.BaseAddress };
        await ApplyAsync(http, "apis/apps/v1/namespaces/default/deployments/w",
            """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w","namespace":"default"},"spec":{"selector":{"matchLabels":{"app":"w"}},"template":{"metadata":{"labels":{"app":"w"}},"spec":{"initContainers":[{"name":"prefetch","image":"prefetcher:1","restartPolicy":"Always","args":["prefetch","/models/m"]}],"containers":[{"name":"vllm","image":"vllm/vllm-openai:v0.10.1"}]}}}}""");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        V1Pod pod;
        while ((pod = (await client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=w", cancellationToken: timeout.Token)).Items.SingleOrDefault()!) is null
               || pod.Status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") != true)
        {
            await Task.Delay(10, timeout.Token);
        }

        var sidecar = Assert.Single(pod.Status.InitContainerStatuses);
        Assert.Equal("prefetch", sidecar.Name);
        Assert.NotNull(sidecar.State.Running);
        Assert.True(sidecar.Ready);
        Assert.True(sidecar.Started);
        Assert.Contains(pod.Status.Conditions, c => c.Type == "Initialized" && c.Status == "True");
        var events = (await client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: $"involvedObject.name={pod.Metadata.Name}", cancellationToken: timeout.Token)).Items;
        Assert.Contains(events, e => e.Reason == "Started" && e.InvolvedObject.FieldPath == "spec.initContainers{prefetch}");

        // One regular container: its log is the default; the sidecar's log is its own.
        var vllm = await http.GetStringAsync($"api/v1/namespaces/default/pods/{pod.Metadata.Name}/log", timeout.Token);
        var prefetch = await http.GetStringAsync($"api/v1/namespaces/default/pods/{pod.Metadata.Name}/log?container=prefetch", timeout.Token);
        using var unknown = await http.GetAsync($"api/v1/namespaces/default/pods/{pod.Metadata.Name}/log?container=nope", timeout.Token);
        Assert.Contains("Loading weights took", vllm, StringComparison.Ordinal);
        Assert.Contains("/models/m", prefetch, StringComparison.Ordinal);
        Assert.DoesNotContain("Loading weights", prefetch, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal($"container nope is not valid for pod {pod.Metadata.Name}", (string?)JsonNode.Parse(await unknown.Content.ReadAsStringAsync(timeout.Token))!["message"]);
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
