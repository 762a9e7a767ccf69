using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VllmAspire.Hosting.Dashboard;

namespace VllmAspire.Hosting.Tests;

public class DashboardApiTests
{
    [Fact]
    public async Task ResourcesApiNeedsTheTokenAndListsEveryResource()
    {
        var logs = new CapturingLoggerProvider();
        var builder = TestApplication.CreateBuilder(logs, dashboard: true);
        builder.AddTestService("api").WithReplicas(2);
        builder.AddExecutable("ghost", "vllm-aspire-no-such-command", ".");
        await using var app = builder.Build();
        await app.StartAsync();
        await app.WaitForHealthyAsync("api");
        var dashboard = app.Services.GetRequiredService<DashboardServer>();
        Assert.Contains(logs.Messages, m => m.Contains($"Login to the dashboard at {dashboard.Url!.GetLeftPart(UriPartial.Authority)}/login?t={dashboard.Token.Value}", StringComparison.Ordinal));
        Assert.Matches("^[0-9a-f]{32}$", dashboard.Token.Value);

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        var url = new Uri(dashboard.Url!, "/api/resources");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(url)).StatusCode);
        using (var wrong = new HttpRequestMessage(HttpMethod.Get, url))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", new string('0', 32));
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", dashboard.Token.Value);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var resources = json.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        var api = resources["api"];
        Assert.Equal("Project", api.GetProperty("type").GetString());
        Assert.Equal("Running", api.GetProperty("state").GetString());
        Assert.Equal("Healthy", api.GetProperty("health").GetString());
        Assert.Equal(2, api.GetProperty("replicas").GetInt32());
        var endpoint = Assert.Single(api.GetProperty("endpoints").EnumerateArray());
        Assert.Equal("http", endpoint.GetProperty("name").GetString());
        Assert.Equal(app.GetEndpoint("api").ToString().TrimEnd('/'), endpoint.GetProperty("url").GetString());
        Assert.Equal("FailedToStart", resources["ghost"].GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, resources["ghost"].GetProperty("health").ValueKind);
        await app.StopAsync();
    }

    [Fact]
    public async Task LoginSetsAStrictHttpOnlyCookieThatAuthorizesTheApi()
    {
        var builder = TestApplication.CreateBuilder(dashboard: true);
        await using var app = builder.Build();
        await app.StartAsync();
        var dashboard = app.Services.GetRequiredService<DashboardServer>();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });

        using var bad = await http.GetAsync(new Uri(dashboard.Url!, "/login?t=nope"));
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.False(bad.Headers.Contains("Set-Cookie"));
        Assert.DoesNotContain(dashboard.Token.Value, await bad.Content.ReadAsStringAsync());

        using var login = await http.GetAsync(dashboard.LoginUrl);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(dashboard.Token.Value, cookie);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(dashboard.Url!, "/api/resources"));
        request.Headers.Add("Cookie", cookie.Split(';')[0]);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
        await app.StopAsync();
    }

    [Fact]
    public async Task TakenDashboardPortFailsBeforeAnyResourceStartsAndSaysHowToFix()
    {
        using var squatter = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var builder = TestApplication.CreateBuilder(dashboard: true);
        builder.Configuration["Dashboard:Url"] = $"http://127.0.0.1:{port}";
        builder.AddTestService("api");
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.StartAsync());
        Assert.Contains($"127.0.0.1:{port}", error.Message);
        Assert.Contains("Dashboard:Url", error.Message);
        Assert.True(app.ResourceNotifications.TryGetCurrentState("api", out var api));
        Assert.Empty(api.Snapshot.Replicas);
    }
}
