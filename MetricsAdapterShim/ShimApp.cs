using k8s;
using Microsoft.Extensions.Options;

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
            "apphost" => new AppHostPodSource(Client(sp), sp.GetRequiredService<IOptions<ShimOptions>>()),
            "kubernetes" => new KubernetesPodSource(new Kubernetes(KubernetesClientConfiguration.BuildDefaultConfig()), sp.GetRequiredService<IOptions<ShimOptions>>()),
            var other => throw new InvalidOperationException($"MetricsAdapter:PodSource '{other}' is not known; use 'apphost', 'kubernetes' or 'static'."),
        });
        builder.Services.AddSingleton<IMetricSource>(sp => sp.GetRequiredService<IOptions<ShimOptions>>().Value.MetricSource switch
        {
            "scrape" => new ScrapeMetricSource(Client(sp), sp.GetRequiredService<IOptions<ShimOptions>>(), sp.GetRequiredService<TimeProvider>()),
            "prometheus" => new PrometheusMetricSource(Client(sp), sp.GetRequiredService<IOptions<ShimOptions>>()),
            var other => throw new InvalidOperationException($"MetricsAdapter:MetricSource '{other}' is not known; use 'scrape' or 'prometheus'."),
        });
        builder.Services.AddSingleton<CustomMetricsApi>();
        builder.Services.AddHostedService<ScrapeRefresher>();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapDefaultEndpoints();
        var api = app.Services.GetRequiredService<CustomMetricsApi>();
        app.Map("/apis/{**rest}", api.HandleAsync);
        app.Map("/apis", api.HandleAsync);
        app.Lifetime.ApplicationStarted.Register(() =>
            app.Logger.LogInformation("Metrics adapter shim listening on {Urls}", string.Join(", ", app.Urls)));
        return app;
    }

    private static HttpClient Client(IServiceProvider services) =>
        services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(CustomMetricsApi));
}
