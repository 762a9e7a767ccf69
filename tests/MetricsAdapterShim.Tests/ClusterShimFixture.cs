using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace VllmAspire.MetricsAdapterShim.Tests;

/// <summary>
/// The shim as it runs in a cluster (front-proxy authentication, HTTPS on loopback) against a Kubernetes API
/// stand-in, a front-proxy CA made here, and one fake vLLM pod.
/// </summary>
internal sealed class ClusterShimFixture : IAsyncDisposable
{
    public const string Namespace = "vllm-aspire-metrics";
    public const string Service = "vllm-aspire-metrics-adapter";
    public const string FrontProxyName = "front-proxy-client";

    private readonly List<IAsyncDisposable> _owned = [];

    public KubernetesApiStandIn Api { get; private set; } = null!;

    public X509Certificate2 FrontProxyCa { get; } = TestCertificates.CreateCa("front-proxy-ca");

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public WebApplication Shim { get; private set; } = null!;

    public Uri ShimUrl => new(Shim.Urls.Single());

    /// <summary>Starts the Kubernetes stand-in, a pod and the shim; <paramref name="api"/> shares a stand-in (a second replica).</summary>
    public static async Task<ClusterShimFixture> StartAsync(KubernetesApiStandIn? api = null, X509Certificate2? frontProxyCa = null)
    {
        var fixture = new ClusterShimFixture();
        if (api is null)
        {
            api = await KubernetesApiStandIn.StartAsync();
            fixture._owned.Add(api);
            api.AddApiService("v1beta1");
            api.AddApiService("v1beta2");
        }

        fixture.Api = api;
        api.AuthenticationConfig ??= new Dictionary<string, string>
        {
            ["client-ca-file"] = TestCertificates.CreateCa("cluster-ca").ExportCertificatePem(),
            ["requestheader-client-ca-file"] = (frontProxyCa ?? fixture.FrontProxyCa).ExportCertificatePem(),
            ["requestheader-allowed-names"] = $"[\"{FrontProxyName}\"]",
            ["requestheader-username-headers"] = "[\"X-Remote-User\"]",
            ["requestheader-group-headers"] = "[\"X-Remote-Group\"]",
            ["requestheader-extra-headers-prefix"] = "[\"X-Remote-Extra-\"]",
        };

        var podBuilder = WebApplication.CreateSlimBuilder();
        podBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        podBuilder.Logging.ClearProviders();
        var pod = podBuilder.Build();
        pod.MapGet("/metrics", () => Results.Text(ShimFixture.VllmMetrics(3), "text/plain; version=0.0.4"));
        await pod.StartAsync();
        fixture._owned.Add(pod);

        var config = new Dictionary<string, string?>
        {
            ["MetricsAdapter:Authentication"] = "front-proxy",
            ["MetricsAdapter:PodSource"] = "static",
            ["MetricsAdapter:Pods:0:Namespace"] = "llm",
            ["MetricsAdapter:Pods:0:Name"] = "vllm-0",
            ["MetricsAdapter:Pods:0:Labels:app"] = "vllm",
            ["MetricsAdapter:Pods:0:MetricsUrl"] = $"{pod.Urls.Single()}/metrics",
            ["MetricsAdapter:ScrapeCache"] = "00:00:00",
            ["MetricsAdapter:KeepFresh"] = "00:00:00",
            ["MetricsAdapter:Cluster:Namespace"] = Namespace,
            ["MetricsAdapter:Cluster:ServiceName"] = Service,
        };
        fixture.Shim = ShimApp.Build([], b =>
        {
            b.WebHost.UseUrls("https://127.0.0.1:0");
            b.Logging.ClearProviders();
            b.Configuration.AddInMemoryCollection(config);
            b.Services.AddSingleton<TimeProvider>(fixture.Time);
            b.Services.AddSingleton<IKubernetes>(new Kubernetes(new KubernetesClientConfiguration { Host = api.Url.ToString() }));
        });
        await fixture.Shim.StartAsync();
        return fixture;
    }

    /// <summary>
    /// An HTTPS client that trusts only the CA the shim put into APIService v1beta2's caBundle and checks the
    /// Service's DNS name, as kube-apiserver does; it presents <paramref name="clientCertificate"/> when given.
    /// </summary>
    public HttpClient Client(X509Certificate2? clientCertificate)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && TrustedByCaBundle(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData())),
            },
        };
        return new HttpClient(handler);
    }

    public bool TrustedByCaBundle(X509Certificate2 serverCertificate)
    {
        var bundle = (string?)Api.ApiServices["v1beta2.custom.metrics.k8s.io"]["spec"]?["caBundle"];
        if (bundle is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.ImportFromPem(Encoding.UTF8.GetString(Convert.FromBase64String(bundle)));
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(serverCertificate) && serverCertificate.MatchesHostname($"{Service}.{Namespace}.svc");
    }

    public static HttpRequestMessage Get(string pathAndQuery, Uri baseUrl, string? user = null, params string[] groups)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, pathAndQuery));
        if (user is not null)
        {
            request.Headers.Add("X-Remote-User", user);
        }

        foreach (var group in groups)
        {
            request.Headers.Add("X-Remote-Group", group);
        }

        return request;
    }

    public async ValueTask DisposeAsync()
    {
        await Shim.StopAsync();
        await Shim.DisposeAsync();
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        FrontProxyCa.Dispose();
    }
}
