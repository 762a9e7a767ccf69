using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace VllmAspire.MetricsAdapterShim.Tests;

/// <summary>In-cluster security (reference/metrics.md §2.5) over real TLS on loopback.</summary>
public sealed class ClusterSecurityTests
{
    private const string PodsQuery = "/apis/custom.metrics.k8s.io/v1beta2/namespaces/llm/pods/%2A/vllm:num_requests_waiting?labelSelector=app%3Dvllm";
    private const string Hpa = "system:serviceaccount:kube-system:horizontal-pod-autoscaler";

    [Fact]
    public async Task Without_a_client_certificate_the_front_proxy_headers_are_ignored_and_the_answer_is_401()
    {
        await using var cluster = await ClusterShimFixture.StartAsync();
        cluster.Api.Authorize = _ => true;
        using var client = cluster.Client(null);

        using var response = await client.SendAsync(ClusterShimFixture.Get(PodsQuery, cluster.ShimUrl, Hpa, "system:masters"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}""",
            await response.Content.ReadAsStringAsync());
        Assert.Empty(cluster.Api.Reviews);
    }

    [Fact]
    public async Task A_client_certificate_from_another_ca_is_401_even_with_the_allowed_name()
    {
        await using var cluster = await ClusterShimFixture.StartAsync();
        cluster.Api.Authorize = _ => true;
        using var otherCa = TestCertificates.CreateCa("front-proxy-ca");
        using var forged = TestCertificates.CreateClient(otherCa, ClusterShimFixture.FrontProxyName);
        using var client = cluster.Client(forged);

        using var response = await client.SendAsync(ClusterShimFixture.Get(PodsQuery, cluster.ShimUrl, Hpa, "system:masters"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(cluster.Api.Reviews);
    }

    [Fact]
    public async Task A_certificate_of_the_front_proxy_ca_with_a_name_not_allowed_is_401()
    {
        await using var cluster = await ClusterShimFixture.StartAsync();
        cluster.Api.Authorize = _ => true;
        using var other = TestCertificates.CreateClient(cluster.FrontProxyCa, "some-other-client");
        using var client = cluster.Client(other);

        using var response = await client.SendAsync(ClusterShimFixture.Get(PodsQuery, cluster.ShimUrl, Hpa));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(cluster.Api.Reviews);
    }

    [Fact]
    public async Task The_front_proxy_with_an_allowed_name_and_an_allowing_review_gets_the_metrics()
    {
        await using var cluster = await ClusterShimFixture.StartAsync();
        cluster.Api.Authorize = spec => (string?)spec["user"] == Hpa;
        using var proxy = TestCertificates.CreateClient(cluster.FrontProxyCa, ClusterShimFixture.FrontProxyName);
        using var client = cluster.Client(proxy);
        // HttpClient folds repeated headers into one line, so one group here (kube-apiserver sends one line per group).
        using var request = ClusterShimFixture.Get(PodsQuery, cluster.ShimUrl, Hpa, "system:serviceaccounts");
        request.Headers.Add("X-Remote-Extra-Authentication.kubernetes.io%2fcredential-id", "JTI=abc");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("3", (string?)body!["items"]![0]!["value"]);
        var review = Assert.Single(cluster.Api.Reviews);
        Assert.Equal(Hpa, (string?)review["user"]);
        Assert.Equal(["system:serviceaccounts", "system:authenticated"], review["groups"]!.AsArray().Select(g => (string)g!));
        Assert.Equal("JTI=abc", (string?)review["extra"]!["authentication.kubernetes.io/credential-id"]![0]);
        Assert.Equal("""{"namespace":"llm","verb":"get","group":"custom.metrics.k8s.io","version":"v1beta2","resource":"pods","subresource":"vllm:num_requests_waiting","name":"*"}""",
            new JsonObject(review["resourceAttributes"]!.AsObject().OrderBy(p => Order(p.Key)).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))).ToJsonString());
        Assert.Null(review["nonResourceAttributes"]);
    }

    [Fact]
    public async Task A_denying_review_is_403_with_a_kubernetes_style_message()
    {
        await using var cluster = await ClusterShimFixture.StartAsync();
        cluster.Api.Authorize = _ => false;
        using var proxy = TestCertificates.CreateClient(cluster.FrontProxyCa, ClusterShimFixture.FrontProxyName);
        using var client = cluster.Client(proxy);

        using var response = await client.SendAsync(ClusterShimFixture.Get(PodsQuery, cluster.ShimUrl, "jane"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var status = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("Forbidden", (string?)status!["reason"]);
        Assert.Equal("pods.custom.metrics.k8s.io \"*\" is forbidden: User \"jane\" cannot get resource \"pods/vllm:num_requests_waiting\" in API group \"custom.metrics.k8s.io\" in the namespace \"llm\": no RBAC policy matched",
            (string?)status["message"]);
    }

    [Fact]
    public async Task Review_answers_allowed_and_denied_are_reused_within_the_ttl_and_asked_again_after()
    {
        await using var cluster = await ClusterShimFixture.StartAsync();
        cluster.Api.Authorize = spec => (string?)spec["user"] == Hpa;
        using var proxy = TestCertificates.CreateClient(cluster.FrontProxyCa, ClusterShimFixture.FrontProxyName);
        using var client = cluster.Client(proxy);

        async Task<HttpStatusCode> AskAsync(string user)
        {
            using var response = await client.SendAsync(ClusterShimFixture.Get(PodsQuery, cluster.ShimUrl, user));
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await AskAsync(Hpa));
        Assert.Equal(HttpStatusCode.Forbidden, await AskAsync("jane"));
        Assert.Equal(2, cluster.Api.Reviews.Count);

        cluster.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(HttpStatusCode.OK, await AskAsync(Hpa));
        Assert.Equal(HttpStatusCode.Forbidden, await AskAsync("jane"));
        Assert.Equal(2, cluster.Api.Reviews.Count);

        // After the 10 s TTL the API is asked again, and a changed answer takes effect.
        cluster.Time.Advance(TimeSpan.FromSeconds(2));
        cluster.Api.Authorize = _ => true;
        Assert.Equal(HttpStatusCode.OK, await AskAsync(Hpa));
        Assert.Equal(HttpStatusCode.OK, await AskAsync("jane"));
        Assert.Equal(4, cluster.Api.Reviews.Count);
    }

    [Fact]
    public async Task The_aggregators_discovery_fallback_without_groups_is_reviewed_as_a_non_resource_get_by_an_authenticated_user()
    {
        await using var cluster = await ClusterShimFixture.StartAsync();
        cluster.Api.Authorize = spec => spec["groups"]!.AsArray().Any(g => (string?)g == "system:authenticated") && spec["nonResourceAttributes"] is not null;
        using var proxy = TestCertificates.CreateClient(cluster.FrontProxyCa, ClusterShimFixture.FrontProxyName);
        using var client = cluster.Client(proxy);

        using var response = await client.SendAsync(ClusterShimFixture.Get("/apis/custom.metrics.k8s.io/v1beta2", cluster.ShimUrl, "system:kube-aggregator"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var review = Assert.Single(cluster.Api.Reviews);
        Assert.Equal("""{"path":"/apis/custom.metrics.k8s.io/v1beta2","verb":"get"}""", review["nonResourceAttributes"]!.ToJsonString());
    }

    [Fact]
    public async Task System_masters_is_allowed_without_a_review_and_probes_need_no_credentials()
    {
        await using var cluster = await ClusterShimFixture.StartAsync();
        using var proxy = TestCertificates.CreateClient(cluster.FrontProxyCa, ClusterShimFixture.FrontProxyName);
        using var client = cluster.Client(proxy);
        using var anonymous = cluster.Client(null);

        using var masters = await client.SendAsync(ClusterShimFixture.Get("/apis/custom.metrics.k8s.io/v1beta2", cluster.ShimUrl, "system:kube-aggregator", "system:masters"));
        using var health = await anonymous.GetAsync(new Uri(cluster.ShimUrl, "/health"));

        Assert.Equal(HttpStatusCode.OK, masters.StatusCode);
        Assert.Empty(cluster.Api.Reviews);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task The_serving_certificate_is_issued_once_shared_by_replicas_through_the_secret_and_its_ca_is_in_both_apiservices()
    {
        await using var first = await ClusterShimFixture.StartAsync();
        await using var second = await ClusterShimFixture.StartAsync(first.Api);

        Assert.Equal(1, first.Api.SecretWrites);
        var secret = first.Api.Secrets[$"{ClusterShimFixture.Namespace}/vllm-aspire-metrics-adapter-serving-cert"];
        Assert.Equal("kubernetes.io/tls", (string?)secret["type"]);
        var v1beta1 = (string?)first.Api.ApiServices["v1beta1.custom.metrics.k8s.io"]["spec"]!["caBundle"];
        Assert.Equal((string?)secret["data"]!["ca.crt"], v1beta1);
        Assert.Equal(v1beta1, (string?)first.Api.ApiServices["v1beta2.custom.metrics.k8s.io"]["spec"]!["caBundle"]);

        // Both replicas present the Secret's certificate; the client trusts only the caBundle and checks the Service name.
        var presented = new List<string>();
        foreach (var replica in new[] { first, second })
        {
            string? thumbprint = null;
            using var handler = new SocketsHttpHandler
            {
                SslOptions = new()
                {
                    RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    {
                        using var server = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(certificate!.GetRawCertData());
                        thumbprint = server.Thumbprint;
                        return replica.TrustedByCaBundle(server);
                    },
                },
            };
            using var client = new HttpClient(handler);
            using var health = await client.GetAsync(new Uri(replica.ShimUrl, "/health"));
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            presented.Add(thumbprint!);
        }

        Assert.Equal(presented[0], presented[1]);
    }

    [Fact]
    public async Task A_rotated_front_proxy_ca_is_picked_up_when_the_settings_are_read_again()
    {
        await using var cluster = await ClusterShimFixture.StartAsync();
        cluster.Api.Authorize = _ => true;
        using var oldProxy = TestCertificates.CreateClient(cluster.FrontProxyCa, ClusterShimFixture.FrontProxyName);
        using var newCa = TestCertificates.CreateCa("front-proxy-ca-2");
        using var newProxy = TestCertificates.CreateClient(newCa, ClusterShimFixture.FrontProxyName);

        async Task<HttpStatusCode> AskAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
        {
            using var client = cluster.Client(certificate);
            using var response = await client.SendAsync(ClusterShimFixture.Get(PodsQuery, cluster.ShimUrl, Hpa));
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await AskAsync(oldProxy));
        cluster.Api.AuthenticationConfig!["requestheader-client-ca-file"] = newCa.ExportCertificatePem();

        // Read again after MetricsAdapter:Cluster:AuthenticationConfigRefresh (1 minute): only the new CA is trusted.
        cluster.Time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(HttpStatusCode.Unauthorized, await AskAsync(oldProxy));
        Assert.Equal(HttpStatusCode.OK, await AskAsync(newProxy));
    }

    [Fact]
    public void Front_proxy_authentication_refuses_to_start_on_plain_http()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ShimApp.Build([], b =>
        {
            b.WebHost.UseUrls("http://127.0.0.1:0");
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["MetricsAdapter:Authentication"] = "front-proxy" });
        }));
        Assert.Contains("serves HTTPS only", error.Message, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_URLS=https://+:6443", error.Message, StringComparison.Ordinal);
    }

    private static int Order(string key) => Array.IndexOf(["namespace", "verb", "group", "version", "resource", "subresource", "name"], key);
}
