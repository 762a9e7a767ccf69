using k8s;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;
using OpenTelemetry.Instrumentation.Http;

namespace VllmAspire.MetricsAdapterShim;

/// <summary>Builds the shim's web application (used by Program and by tests and benchmarks that host it in-process).</summary>
public static class ShimApp
{
    /// <summary>Builds the application: service defaults, the chosen pod and metric sources, and the custom metrics API.</summary>
    /// <param name="args">The command line (configuration overrides such as <c>--MetricsAdapter:Token=...</c>).</param>
    /// <param name="configure">Adjusts the builder before it is built (tests set URLs and configuration).</param>
    /// <returns>The application, not yet started.</returns>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults();
        builder.Services.Configure<ShimOptions>(builder.Configuration.GetSection("MetricsAdapter"));
        // Defaults apply only when nothing is configured: binding would otherwise append to a pre-filled list.
        builder.Services.PostConfigure<ShimOptions>(o =>
        {
            if (o.Metrics.Count == 0)
            {
                o.Metrics.AddRange(ShimOptions.DefaultMetrics);
            }
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient(nameof(CustomMetricsApi)).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 4,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        });
        builder.Services.AddSingleton<IPodSource>(sp => sp.GetRequiredService<IOptions<ShimOptions>>().Value.PodSource switch
        {
            "static" => new StaticPodSource(sp.GetRequiredService<IOptions<ShimOptions>>()),
            "file" => new FilePodSource(sp.GetRequiredService<IOptions<ShimOptions>>()),
            "kubernetes" => new KubernetesPodSource(sp.GetRequiredService<IKubernetes>(), sp.GetRequiredService<IOptions<ShimOptions>>()),
            var other => throw new InvalidOperationException($"MetricsAdapter:PodSource '{other}' is not known; use 'file', 'kubernetes' or 'static'."),
        });
        builder.Services.AddSingleton<IMetricSource>(sp => sp.GetRequiredService<IOptions<ShimOptions>>().Value.MetricSource switch
        {
            "scrape" => new ScrapeMetricSource(ScrapeClient(), sp.GetRequiredService<IOptions<ShimOptions>>(), sp.GetRequiredService<TimeProvider>()),
            "prometheus" => new PrometheusMetricSource(Client(sp), sp.GetRequiredService<IOptions<ShimOptions>>()),
            var other => throw new InvalidOperationException($"MetricsAdapter:MetricSource '{other}' is not known; use 'scrape' or 'prometheus'."),
        });
        builder.Services.AddSingleton<CustomMetricsApi>();
        builder.Services.AddHostedService<ScrapeRefresher>();
        builder.Services.Configure<HttpClientTraceInstrumentationOptions>(o =>
            o.FilterHttpRequestMessage = request => !request.Options.TryGetValue(ScrapeMetricSource.IsScrape, out var scrape) || !scrape);
        // In-cluster configuration (service account) or KUBECONFIG; created only when a cluster feature asks for it.
        builder.Services.AddSingleton<IKubernetes>(_ => new Kubernetes(KubernetesClientConfiguration.BuildDefaultConfig()));
        configure?.Invoke(builder);
        // Chosen after configure, so tests and benchmarks can set it like any other setting.
        var authentication = builder.Configuration["MetricsAdapter:Authentication"] ?? "token";
        switch (authentication)
        {
            case "token":
                builder.Services.AddSingleton<IApiAccess, TokenAccess>();
                break;
            case "front-proxy":
                AddFrontProxySecurity(builder);
                break;
            default:
                throw new InvalidOperationException($"MetricsAdapter:Authentication '{authentication}' is not known; use 'token' (local) or 'front-proxy' (in a cluster).");
        }

        if (authentication == "front-proxy"
            && (builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries) is var urls
            && (urls.Length == 0 || urls.Any(u => !u.StartsWith("https://", StringComparison.OrdinalIgnoreCase))))
        {
            throw new InvalidOperationException($"MetricsAdapter:Authentication 'front-proxy' serves HTTPS only, but the URLs are '{string.Join(';', urls)}': set ASPNETCORE_URLS=https://+:6443.");
        }

        var app = builder.Build();
        app.MapDefaultEndpoints();
        var api = app.Services.GetRequiredService<CustomMetricsApi>();
        app.Map("/apis/{**rest}", api.HandleAsync);
        app.Map("/apis", api.HandleAsync);
        app.Lifetime.ApplicationStarted.Register(() =>
            app.Logger.LogInformation("Metrics adapter shim listening on {Urls}", string.Join(", ", app.Urls)));
        return app;
    }

    // HTTPS with the shared serving certificate, asking (not requiring) a client certificate so probes still work;
    // whether a certificate is the front proxy's is decided per request against the request-header CA.
    private static void AddFrontProxySecurity(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ServingCertificateStore>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ServingCertificateStore>());
        builder.Services.AddSingleton<FrontProxyAuthenticator>();
        builder.Services.AddSingleton<SubjectAccessReviewAuthorizer>();
        builder.Services.AddSingleton<IApiAccess, FrontProxyAccess>();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
        {
            var certificates = kestrel.ApplicationServices.GetRequiredService<ServingCertificateStore>();
            https.ServerCertificateSelector = (_, _) => certificates.Current;
            https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
            https.ClientCertificateValidation = (_, _, _) => true;
        }));
    }

    // Scrapes bypass the factory's defaults (standard resilience handler, service discovery): a pod that does not
    // answer within ScrapeTimeout is missing, so retrying it only delays the answer and multiplies the load, and
    // pods are addressed by IP. One connection per pod at a time; idle connections of vanished pods are closed.
    // Its HTTP metrics go to a meter the shim does not export: one series per pod address and instrument would
    // multiply the shim's own /metrics (and memory) by the number of pods.
    private static HttpClient ScrapeClient() => new(new SocketsHttpHandler
    {
        MeterFactory = new UnexportedMeterFactory(),
        MaxConnectionsPerServer = 1,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        AutomaticDecompression = System.Net.DecompressionMethods.None,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private static HttpClient Client(IServiceProvider services) =>
        services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(CustomMetricsApi));
}
