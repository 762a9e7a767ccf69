using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VllmAspire.Testing.Processes;

namespace VllmAspire.ServiceDefaults.Tests;

/// <summary>ServiceDefaults and the TestService's switches, through real processes.</summary>
public class TestServiceTests
{
    [Fact]
    public async Task ServesHealthLivenessAndWhoAmI()
    {
        using var service = await ServiceProcess.StartReadyAsync(ServiceProcess.TestService, new Dictionary<string, string> { ["OTEL_SERVICE_NAME"] = "alpha" });

        Assert.Equal("Healthy", await service.Http.GetStringAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken));
        Assert.Equal("Healthy", await service.Http.GetStringAsync(new Uri("/alive", UriKind.Relative), TestContext.Current.CancellationToken));
        using var whoami = JsonDocument.Parse(await service.Http.GetStringAsync(new Uri("/whoami", UriKind.Relative), TestContext.Current.CancellationToken));
        Assert.Equal("alpha", whoami.RootElement.GetProperty("name").GetString());
        Assert.Equal(service.Process.Id, whoami.RootElement.GetProperty("pid").GetInt32());
        Assert.Equal(ServiceProcess.ListenUrl, whoami.RootElement.GetProperty("url").GetString());
    }

    [Fact]
    public async Task MetricsArePrometheusTextWithRequestAndRuntimeMetrics()
    {
        using var service = await ServiceProcess.StartReadyAsync(ServiceProcess.TestService, new Dictionary<string, string> { ["OTEL_SERVICE_NAME"] = "metered" });
        (await service.Http.GetAsync(new Uri("/whoami", UriKind.Relative), TestContext.Current.CancellationToken)).Dispose();

        // The exporter caches a scrape briefly, so the request's histogram may show up on a later one.
        var metrics = await Eventually.ValueAsync(
            async () =>
            {
                using var response = await service.Http.GetAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
                var text = await response.Content.ReadAsStringAsync();
                return text.Contains("http_server_request_duration_seconds_bucket{", StringComparison.Ordinal) ? response.Content.Headers.ContentType + "\n" + text : null;
            },
            "the request duration histogram on /metrics");

        Assert.StartsWith("text/plain", metrics, StringComparison.Ordinal);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", metrics, StringComparison.Ordinal);
        Assert.Contains("http_route=\"/whoami\"", metrics, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_collections_total", metrics, StringComparison.Ordinal);
        Assert.Contains("service_name=\"metered\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthFollowsTheHealthFileWhileLivenessStaysUp()
    {
        var healthFile = Path.Combine(Path.GetTempPath(), $"testservice-health-{Guid.NewGuid():N}");
        using var service = await ServiceProcess.StartReadyAsync(ServiceProcess.TestService, new Dictionary<string, string> { ["TEST_HEALTH_FILE"] = healthFile });
        try
        {
            // Health checks run on each request, so every flip shows on the very next probe.
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAsync(service, "/health"));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(service, "/alive"));

            await File.WriteAllTextAsync(healthFile, "ok", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(service, "/health"));

            File.Delete(healthFile);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAsync(service, "/health"));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(service, "/alive"));
        }
        finally
        {
            File.Delete(healthFile);
        }
    }

    [Fact]
    public async Task PrintsTheStartLineThenTheRequestedLines()
    {
        using var service = await ServiceProcess.StartReadyAsync(ServiceProcess.TestService, new Dictionary<string, string>
        {
            ["TEST_PRINT_LINES"] = "first line;second line",
            ["TEST_PRINT_STDERR"] = "to stderr",
        });

        await service.WaitForOutputAsync(l => l == "second line", "the printed lines");
        Assert.Equal([$"TestService started pid={service.Process.Id}", "first line", "second line"], service.Output.Take(3));
        await Eventually.TrueAsync(() => service.Errors.Contains("to stderr"), $"the stderr line\n{service.Describe()}");
        Assert.DoesNotContain("to stderr", service.Output);
    }

    [Fact]
    public async Task EnvShowsOnlyTheContractVariables()
    {
        using var service = await ServiceProcess.StartReadyAsync(ServiceProcess.TestService, new Dictionary<string, string>
        {
            ["OTEL_SERVICE_NAME"] = "env",
            ["services__db__http__0"] = "http://127.0.0.1:1",
            ["TEST_SOMETHING"] = "value",
            ["UNRELATED_SECRET"] = "hidden",
        });

        var environment = await service.Http.GetFromJsonAsync<Dictionary<string, string>>(new Uri("/env", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.NotNull(environment);
        Assert.Equal("env", environment["OTEL_SERVICE_NAME"]);
        Assert.Equal("http://127.0.0.1:1", environment["services__db__http__0"]);
        Assert.Equal("value", environment["TEST_SOMETHING"]);
        Assert.Equal(ServiceProcess.ListenUrl, environment["ASPNETCORE_URLS"]);
        Assert.All(environment.Keys, name => Assert.True(
            new[] { "services__", "OTEL_", "ASPNETCORE_", "TEST_" }.Any(p => name.StartsWith(p, StringComparison.Ordinal)), name));
    }

    [Fact]
    public async Task CallResolvesAnotherInstanceThroughServiceDiscoveryVariables()
    {
        // The caller is told the other's address, which the other names once it listens.
        using var other = await ServiceProcess.StartReadyAsync(ServiceProcess.TestService, new Dictionary<string, string> { ["OTEL_SERVICE_NAME"] = "other" });
        using var caller = await ServiceProcess.StartReadyAsync(ServiceProcess.TestService, new Dictionary<string, string>
        {
            ["OTEL_SERVICE_NAME"] = "caller",
            ["services__other__http__0"] = other.BaseAddress.ToString().TrimEnd('/'),
        });

        using var whoami = JsonDocument.Parse(await caller.Http.GetStringAsync(new Uri("/call/other", UriKind.Relative), TestContext.Current.CancellationToken));

        Assert.Equal("other", whoami.RootElement.GetProperty("name").GetString());
        Assert.Equal(other.Process.Id, whoami.RootElement.GetProperty("pid").GetInt32());
    }

    private static async Task<HttpStatusCode> StatusAsync(ServiceProcess service, string path)
    {
        using var response = await service.Http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        return response.StatusCode;
    }
}
