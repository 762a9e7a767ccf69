using System.Net.Http.Json;
using System.Text.Json;

namespace VllmAspire.AppHost.Tests;

/// <summary>The promise of `dotnet run --project AppHost`, checked against the real AppHost process.</summary>
public class LocalRunTests
{
    [Fact]
    public async Task WholeModelRunsServesCompletionsIsScrapedAndStopsCleanly()
    {
        const string PrometheusPassword = "prometheus-password-of-this-test";
        await using var appHost = await AppHostProcess.StartAsync("--Vllm:Replicas=2", $"--Parameters:prometheus-password={PrometheusPassword}");
        var resources = await appHost.WaitUntilAllHealthyAsync(TimeSpan.FromSeconds(120));
        var byName = resources.ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.Equal(
            ["gemma-7b", "metrics-adapter", "metrics-adapter-api-token", "prometheus", "prometheus-password", "provisioner", "provisioner-api-token", "vllm"],
            byName.Keys.Order());
        Assert.Equal(2, byName["vllm"].GetProperty("replicas").GetInt32());

        // A completion through the vLLM endpoint the dashboard lists.
        var vllm = new Uri(byName["vllm"].GetProperty("endpoints")[0].GetProperty("url").GetString()!);
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync(new Uri(vllm, "/v1/completions"), new { model = "gemma-7b", prompt = "Hello", max_tokens = 8 });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        using var completion = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("text_completion", completion.RootElement.GetProperty("object").GetString());
        Assert.False(string.IsNullOrEmpty(completion.RootElement.GetProperty("choices")[0].GetProperty("text").GetString()));

        // Prometheus holds vllm:num_requests_running samples of every replica, and answers only with its password.
        var prometheus = new Uri(byName["prometheus"].GetProperty("endpoints")[0].GetProperty("url").GetString()!);
        using (var anonymous = await http.GetAsync(new Uri(prometheus, "/api/v1/query?query=up")))
        {
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"vllm-aspire:{PrometheusPassword}")));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        HashSet<string> pods = [];
        while (DateTime.UtcNow < deadline && pods.Count < 2)
        {
            using var query = JsonDocument.Parse(await http.GetStringAsync(new Uri(prometheus, "/api/v1/query?query=vllm:num_requests_running")));
            pods = [.. query.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
                .Select(r => r.GetProperty("metric").GetProperty("pod").GetString()!)];
            await Task.Delay(500);
        }

        Assert.Equal(["vllm-0", "vllm-1"], pods.Order());

        // SIGTERM stops everything within 10 s and leaves no process behind.
        var children = (await appHost.GetResourcesAsync())
            .SelectMany(r => r.GetProperty("instances").EnumerateArray())
            .Where(i => i.GetProperty("pid").ValueKind == JsonValueKind.Number)
            .Select(i => i.GetProperty("pid").GetInt32())
            .ToList();
        Assert.Equal(5, children.Count); // two vLLM replicas, Prometheus, the adapter, the provisioner
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        appHost.Signal("TERM");
        await appHost.WaitForExitAsync(TimeSpan.FromSeconds(15));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"shutdown took {stopwatch.Elapsed}");
        Assert.All(children, pid => Assert.False(AppHostProcess.IsAlive(pid), $"child {pid} outlived the AppHost"));
    }

    [Fact]
    public async Task CtrlCStopsTheAppHostAndItsChildren()
    {
        await using var appHost = await AppHostProcess.StartAsync();
        var resources = await appHost.WaitUntilAllHealthyAsync(TimeSpan.FromSeconds(120));
        var children = resources.SelectMany(r => r.GetProperty("instances").EnumerateArray())
            .Select(i => i.GetProperty("pid")).Where(p => p.ValueKind == JsonValueKind.Number).Select(p => p.GetInt32()).ToList();
        Assert.NotEmpty(children);

        appHost.Signal("INT");
        Assert.Equal(0, await appHost.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        Assert.All(children, pid => Assert.False(AppHostProcess.IsAlive(pid), $"child {pid} outlived the AppHost"));
    }
}
