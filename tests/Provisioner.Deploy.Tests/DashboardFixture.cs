using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VllmAspire.Hosting;
using VllmAspire.Hosting.Dashboard;

namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>The real AppHost dashboard on a free loopback port, with an empty application model.</summary>
internal sealed class DashboardFixture : IAsyncDisposable
{
    private readonly DistributedApplication _app;

    private DashboardFixture(DistributedApplication app)
    {
        _app = app;
        var server = app.Services.GetRequiredService<DashboardServer>();
        Url = server.Url!;
        Token = server.Token.Value;
    }

    public Uri Url { get; }

    public string Token { get; }

    public static async Task<DashboardFixture> StartAsync()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Args = [],
            AppHostDirectory = Directory.CreateTempSubdirectory("vllm-aspire-deploy-dashboard-").FullName,
        });
        builder.Configuration["Dashboard:Url"] = "http://127.0.0.1:0";
        var app = builder.Build();
        await app.StartAsync();
        return new DashboardFixture(app);
    }

    /// <summary>Reads the dashboard's stages as its JSON API returns them.</summary>
    public async Task<JsonElement> GetStagesAsync()
    {
        using var http = new HttpClient { BaseAddress = Url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return await http.GetFromJsonAsync<JsonElement>("/api/stages");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
