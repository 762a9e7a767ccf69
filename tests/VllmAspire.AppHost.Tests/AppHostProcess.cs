using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using VllmAspire.Testing.Processes;

namespace VllmAspire.AppHost.Tests;

/// <summary>The real AppHost, started as `dotnet VllmAspire.AppHost.dll` with a throw-away data folder.</summary>
internal sealed partial class AppHostProcess : IAsyncDisposable
{
    private readonly TestProcess _child;

    private AppHostProcess(TestProcess child, string dataDirectory)
    {
        _child = child;
        DataDirectory = dataDirectory;
    }

    public string DataDirectory { get; }

    public int Pid => _child.Process.Id;

    public string Output => string.Join('\n', _child.Lines.Select(l => l.Text));

    public Uri Dashboard { get; private set; } = null!;

    public HttpClient Api { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<AppHostProcess> StartAsync(params string[] settings)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("vllm-aspire-apphost-").FullName;
        var child = TestProcess.StartDotnet(
            new Projects.AppHost().TargetPath,
            ["--Dashboard:Url=http://127.0.0.1:0", $"--AppHost:DataDirectory={dataDirectory}", .. settings],
            new TestProcessOptions { Environment = new Dictionary<string, string?> { ["Logging__Console__FormatterName"] = "simple" } });
        var appHost = new AppHostProcess(child, dataDirectory);
        try
        {
            var login = LoginLine().Match(await child.WaitForLineAsync(l => LoginLine().IsMatch(l.Text), "the dashboard's login line", TimeSpan.FromSeconds(60)));
            appHost.Dashboard = new Uri(login.Groups["url"].Value);
            appHost.Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.Groups["token"].Value);
            return appHost;
        }
        catch
        {
            await appHost.DisposeAsync();
            throw;
        }
    }

    /// <summary>Gets whether a process is alive (a zombie waiting to be reaped is not).</summary>
    public static bool IsAlive(int pid) => TestProcess.IsAlive(pid);

    public async Task<JsonElement[]> GetResourcesAsync()
    {
        using var json = JsonDocument.Parse(await Api.GetStringAsync(new Uri(Dashboard, "/api/resources")));
        return [.. json.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    public async Task<JsonElement[]> WaitUntilAllHealthyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement[] resources = [];
        while (DateTime.UtcNow < deadline)
        {
            resources = await GetResourcesAsync();
            if (resources.All(r => r.GetProperty("health").ValueKind == JsonValueKind.String
                && r.GetProperty("health").GetString() == "Healthy"
                && r.GetProperty("state").GetString() is "Running" or "Active"))
            {
                return resources;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("Not every resource became healthy:\n" + string.Join('\n', resources.Select(r => r.ToString())) + "\nAppHost output:\n" + Output);
    }

    /// <summary>Sends a signal as a terminal or a service manager would (SIGINT = Ctrl+C, SIGTERM).</summary>
    public void Signal(string signal) => _child.Signal(signal);

    public Task<int> WaitForExitAsync(TimeSpan timeout) => _child.WaitForExitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        await _child.DisposeAsync();
        Api.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    [GeneratedRegex(@"Login to the dashboard at (?<url>http://127\.0\.0\.1:\d+)/login\?t=(?<token>[0-9a-f]{32})")]
    private static partial Regex LoginLine();
}
