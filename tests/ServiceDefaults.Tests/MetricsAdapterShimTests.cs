using System.Net;

namespace VllmAspire.ServiceDefaults.Tests;

/// <summary>The metrics adapter shim's skeleton: service defaults on the address ASPNETCORE_URLS names.</summary>
public class MetricsAdapterShimTests
{
    [Fact]
    public async Task ListensWhereToldAndServesHealthAndMetrics()
    {
        using var shim = await ServiceProcess.StartReadyAsync(ServiceProcess.MetricsAdapterShim);

        await shim.WaitForOutputAsync(l => l.Contains($"listening on {shim.BaseAddress.ToString().TrimEnd('/')}", StringComparison.Ordinal), "the start line");
        Assert.Equal("Healthy", await shim.Http.GetStringAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken));
        using var metrics = await shim.Http.GetAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
    }
}
