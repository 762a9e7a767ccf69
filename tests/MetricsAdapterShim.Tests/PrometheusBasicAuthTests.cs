using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace VllmAspire.MetricsAdapterShim.Tests;

/// <summary>The Prometheus source against a Prometheus behind basic auth, as the AppHost runs it (--web.config.file).</summary>
public sealed class PrometheusBasicAuthTests
{
    private const string Path = "/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/%2A/vllm:num_requests_waiting";

    [Fact]
    public async Task Credentials_in_the_url_are_sent_as_basic_auth_and_without_them_the_metric_is_unavailable()
    {
        const string Password = "p@ss:word/with%signs";
        var seen = new ConcurrentQueue<string>();
        await using var prometheus = await BasicAuthPrometheusAsync("vllm-aspire", Password, seen);
        var url = new Uri(prometheus.Urls.Single());

        await using (var withCredentials = await ShimFixture.StartAsync(["vllm-0"], new()
        {
            ["MetricsAdapter:MetricSource"] = "prometheus",
            ["MetricsAdapter:PrometheusUrl"] = $"http://vllm-aspire:{Uri.EscapeDataString(Password)}@{url.Authority}",
        }))
        {
            var (status, body) = await withCredentials.GetAsync(Path);
            Assert.Equal(200, status);
            Assert.Contains("\"value\":\"3\"", body);
            Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("vllm-aspire:" + Password)), seen.First());
        }

        await using var without = await ShimFixture.StartAsync(["vllm-0"], new()
        {
            ["MetricsAdapter:MetricSource"] = "prometheus",
            ["MetricsAdapter:PrometheusUrl"] = prometheus.Urls.Single(),
        });
        var (refused, refusedBody) = await without.GetAsync(Path);
        Assert.Equal(500, refused);
        Assert.Contains("unable to fetch metrics", refusedBody);
        Assert.DoesNotContain(Password, refusedBody);
    }

    [Fact]
    public async Task Credentials_given_as_user_name_and_password_settings_are_sent_as_basic_auth_as_the_AppHost_passes_them()
    {
        const string Password = "generated-secret-of-this-run";
        var seen = new ConcurrentQueue<string>();
        await using var prometheus = await BasicAuthPrometheusAsync("vllm-aspire", Password, seen);

        await using var shim = await ShimFixture.StartAsync(["vllm-0"], new()
        {
            ["MetricsAdapter:MetricSource"] = "prometheus",
            ["MetricsAdapter:PrometheusUrl"] = prometheus.Urls.Single(),
            ["MetricsAdapter:PrometheusUserName"] = "vllm-aspire",
            ["MetricsAdapter:PrometheusPassword"] = Password,
        });
        var (status, body) = await shim.GetAsync(Path);

        Assert.Equal(200, status);
        Assert.Contains("\"value\":\"3\"", body);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("vllm-aspire:" + Password)), seen.First());
    }

    // Prometheus's web config answers 401 with a Basic challenge and "Unauthorized" to every path without valid credentials.
    private static async Task<WebApplication> BasicAuthPrometheusAsync(string user, string password, ConcurrentQueue<string> seen)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        app.Use(async (context, next) =>
        {
            var authorization = context.Request.Headers.Authorization.ToString();
            seen.Enqueue(authorization);
            if (authorization != expected)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Basic";
                await context.Response.WriteAsync("Unauthorized\n");
                return;
            }

            await next(context);
        });
        app.MapPost("/api/v1/query", () => Results.Text(
            """{"status":"success","data":{"resultType":"vector","result":[{"metric":{"pod":"vllm-0"},"value":[1717243200,"3"]}]}}""", "application/json"));
        await app.StartAsync();
        return app;
    }
}
