using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using VllmAspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Dashboard;

namespace VllmAspire.Hosting.Dashboard.Tests;

/// <summary>
/// A small real application model with the dashboard on a free loopback port: a TestService with two replicas,
/// a secret parameter and an executable that cannot start.
/// </summary>
internal sealed class DashboardApp : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private DashboardApp(DistributedApplication app)
    {
        App = app;
        Server = app.Services.GetRequiredService<DashboardServer>();
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = Server.Url };
    }

    public DistributedApplication App { get; }

    public DashboardServer Server { get; }

    public HttpClient Http { get; }

    public Uri Url => Server.Url!;

    public static async Task<DashboardApp> StartAsync(Action<IDistributedApplicationBuilder>? configure = null)
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Args = [],
            AppHostDirectory = Directory.CreateTempSubdirectory("vllm-aspire-dashboard-test-").FullName,
        });
        builder.Configuration["AppHost:HealthChecks:HealthyIntervalSeconds"] = "1";
        builder.Configuration["Dashboard:Url"] = "http://127.0.0.1:0";
        builder.Configuration["Parameters:api-key"] = "s3cr3t-value-never-shown";
        var key = builder.AddParameter("api-key", secret: true);
        builder.AddProject<Projects.TestService>("api").WithHttpEndpoint().WithHttpHealthCheck("/health")
            .WithReplicas(2).WithEnvironment("API_KEY", key);
        builder.AddExecutable("ghost", "vllm-aspire-no-such-command", ".");
        configure?.Invoke(builder);
        var app = builder.Build();
        await app.StartAsync();
        var dashboard = new DashboardApp(app);
        await dashboard.WaitForAsync("api", s => s.State == KnownResourceStates.Running && s.HealthStatus == ResourceHealthStatus.Healthy);
        return dashboard;
    }

    public HttpRequestMessage Request(HttpMethod method, string path, bool token = true)
    {
        var request = new HttpRequestMessage(method, path);
        if (token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Server.Token.Value);
        }

        return request;
    }

    public async Task<ResourceEvent> WaitForAsync(string name, Func<CustomResourceSnapshot, bool> predicate)
    {
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            return await App.ResourceNotifications.WaitForResourceAsync(name, e => predicate(e.Snapshot), cts.Token);
        }
        catch (OperationCanceledException)
        {
            App.ResourceNotifications.TryGetCurrentState(name, out var current);
            throw new TimeoutException($"Resource '{name}' did not reach the expected state; it is {current?.Snapshot.State} ({current?.Snapshot.HealthStatus}) {current?.Snapshot.StateMessage}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
