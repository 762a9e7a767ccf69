using System.Net.Http.Json;
using System.Text.Json;

namespace VllmAspire.Hosting.Tests;

public class EnvironmentContractTests
{
    [Fact]
    public async Task ReferencedServiceIsFoundByNameThroughServiceDiscovery()
    {
        var builder = TestApplication.CreateBuilder();
        var backend = builder.AddTestService("backend");
        builder.AddTestService("frontend").WithReference(backend);
        await using var app = builder.Build();
        await app.StartAsync();
        await app.WaitForHealthyAsync("backend");
        await app.WaitForHealthyAsync("frontend");

        using var http = new HttpClient();
        var frontend = app.GetEndpoint("frontend");
        var environment = await http.GetFromJsonAsync<Dictionary<string, string>>(new Uri(frontend, "/env"));
        Assert.NotNull(environment);
        Assert.Equal(app.GetEndpoint("backend").ToString().TrimEnd('/'), environment["services__backend__http__0"]);
        Assert.Equal("frontend", environment["OTEL_SERVICE_NAME"]);
        Assert.Equal("service.instance.id=frontend-0", environment["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.Matches(@"^http://127\.0\.0\.1:\d+$", environment["ASPNETCORE_URLS"]);
        // The process binds its own port; clients use the proxy's.
        Assert.NotEqual(frontend.Port, new Uri(environment["ASPNETCORE_URLS"]).Port);

        // Stock Microsoft.Extensions.ServiceDiscovery resolves http://backend from those variables.
        using var whoami = JsonDocument.Parse(await http.GetStringAsync(new Uri(frontend, "/call/backend")));
        Assert.Equal("backend", whoami.RootElement.GetProperty("name").GetString());
        await app.StopAsync();
    }

    [Fact]
    public async Task ReplicasEachGetTheirOwnPortBehindOneEndpoint()
    {
        var builder = TestApplication.CreateBuilder();
        builder.AddTestService("api").WithReplicas(2);
        await using var app = builder.Build();
        await app.StartAsync();
        var healthy = await app.WaitForHealthyAsync("api");

        Assert.Equal(2, healthy.Snapshot.Replicas.Length);
        Assert.NotEqual(healthy.Snapshot.Replicas[0].Url, healthy.Snapshot.Replicas[1].Url);
        // The proxy balances connections, so each request gets its own.
        using var http = new HttpClient();
        http.DefaultRequestHeaders.ConnectionClose = true;
        var seen = new HashSet<int>();
        for (var i = 0; i < 10 && seen.Count < 2; i++)
        {
            using var whoami = JsonDocument.Parse(await http.GetStringAsync(new Uri(app.GetEndpoint("api"), "/whoami")));
            seen.Add(whoami.RootElement.GetProperty("pid").GetInt32());
        }

        Assert.Equal(healthy.Snapshot.Replicas.Select(r => r.ProcessId!.Value).ToHashSet(), seen);
        await app.StopAsync();
    }
}
