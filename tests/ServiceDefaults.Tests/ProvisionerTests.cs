using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace VllmAspire.ServiceDefaults.Tests;

/// <summary>The Provisioner's CLI and its token rule: /api needs the configured bearer token, probes stay open.</summary>
public class ProvisionerTests
{
    [Fact]
    public async Task ApiNeedsTheConfiguredTokenWhileProbesAndMetricsStayOpen()
    {
        var token = Guid.NewGuid().ToString("N");
        // No verb: serve is the default, so the AppHost can start it without arguments.
        using var provisioner = await ServiceProcess.StartReadyAsync(ServiceProcess.Provisioner, new Dictionary<string, string> { ["Provisioner__ApiToken"] = token });

        using (var anonymous = await GetStagesAsync(provisioner, null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Bearer", Assert.Single(anonymous.Headers.WwwAuthenticate).Scheme);
        }

        using (var wrong = await GetStagesAsync(provisioner, token + "x"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (var right = await GetStagesAsync(provisioner, token))
        {
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
            Assert.Equal("application/json", right.Content.Headers.ContentType?.MediaType);
            using var stages = JsonDocument.Parse(await right.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            Assert.Equal(JsonValueKind.Array, stages.RootElement.ValueKind);
            Assert.Equal(0, stages.RootElement.GetArrayLength());
        }

        // Every /api path is guarded, not only the mapped ones.
        using (var unknown = await provisioner.Http.GetAsync(new Uri("/api/unknown", UriKind.Relative), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        }

        foreach (var open in new[] { "/health", "/alive", "/metrics" })
        {
            using var response = await provisioner.Http.GetAsync(new Uri(open, UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{open} answered {response.StatusCode}");
        }
    }

    [Fact]
    public async Task ApiWithoutAConfiguredTokenAnswers503SayingHowToSetIt()
    {
        using var provisioner = await ServiceProcess.StartReadyAsync(ServiceProcess.Provisioner, args: "serve");

        foreach (var token in new[] { null, "anything" })
        {
            using var response = await GetStagesAsync(provisioner, token);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("Provisioner__ApiToken", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        Assert.Equal("Healthy", await provisioner.Http.GetStringAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task UnknownVerbFailsWithoutStartingTheService()
    {
        using var provisioner = ServiceProcess.Start(ServiceProcess.Provisioner, args: "no-such-verb");

        Assert.NotEqual(0, await provisioner.WaitForExitAsync());
        provisioner.Process.WaitForExit(); // drains the redirected output
        Assert.Contains(provisioner.Errors, l => l.Contains("no-such-verb", StringComparison.Ordinal));
    }

    private static Task<HttpResponseMessage> GetStagesAsync(ServiceProcess provisioner, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/stages", UriKind.Relative));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return provisioner.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
