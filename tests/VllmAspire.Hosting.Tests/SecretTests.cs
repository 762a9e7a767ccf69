using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using VllmAspire.Hosting.Dashboard;

namespace VllmAspire.Hosting.Tests;

public class SecretTests
{
    private const string SecretValue = "hf_s3cr3t-Value-7731";

    [Fact]
    public async Task SecretParameterReachesTheChildButNoLogSnapshotOrApi()
    {
        var logs = new CapturingLoggerProvider();
        var builder = TestApplication.CreateBuilder(logs, dashboard: true);
        builder.Configuration["Parameters:hf-token"] = SecretValue;
        var token = builder.AddParameter("hf-token", secret: true);
        builder.AddTestService("api").WithEnvironment("TEST_HF_TOKEN", token);
        await using var app = builder.Build();
        await app.StartAsync();
        var healthy = await app.WaitForHealthyAsync("api");

        using var http = new HttpClient();
        var childEnvironment = await http.GetFromJsonAsync<Dictionary<string, string>>(new Uri(app.GetEndpoint("api"), "/env"));
        Assert.Equal(SecretValue, childEnvironment!["TEST_HF_TOKEN"]);

        Assert.Equal("******", healthy.Snapshot.EnvironmentVariables["TEST_HF_TOKEN"]);
        var dashboard = app.Services.GetRequiredService<DashboardServer>();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(dashboard.Url!, "/api/resources"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", dashboard.Token.Value);
        using var response = await http.SendAsync(request);
        var api = await response.Content.ReadAsStringAsync();
        Assert.Contains("hf-token", api);
        Assert.DoesNotContain(SecretValue, api);
        Assert.DoesNotContain(SecretValue, token.Resource.ToString());

        await app.StopAsync();
        Assert.DoesNotContain(SecretValue, logs.All);
        Assert.DoesNotContain(app.ResourceLogs.GetLines("hf-token").Concat(app.ResourceLogs.GetLines("api")), l => l.Text.Contains(SecretValue, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheAppHostsOwnParameterValuesDoNotLeakIntoChildren()
    {
        Environment.SetEnvironmentVariable("Parameters__leaky", SecretValue);
        try
        {
            var builder = TestApplication.CreateBuilder();
            builder.AddTestService("api");
            await using var app = builder.Build();
            await app.StartAsync();
            await app.WaitForHealthyAsync("api");
            using var http = new HttpClient();
            var environment = await http.GetStringAsync(new Uri(app.GetEndpoint("api"), "/env"));
            Assert.DoesNotContain(SecretValue, environment);
            await app.StopAsync();
        }
        finally
        {
            Environment.SetEnvironmentVariable("Parameters__leaky", null);
        }
    }
}
