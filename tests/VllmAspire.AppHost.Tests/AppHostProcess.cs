using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace VllmAspire.AppHost.Tests;

/// <summary>The real AppHost, started as `dotnet VllmAspire.AppHost.dll` with a throw-away data folder.</summary>
internal sealed partial class AppHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<(Uri Dashboard, string Token)> _login = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppHostProcess(Process process, string dataDirectory)
    {
        _process = process;
        DataDirectory = dataDirectory;
    }

    public string DataDirectory { get; }

    public int Pid => _process.Id;

    public string Output => string.Join('\n', _output);

    public Uri Dashboard { get; private set; } = null!;

    public HttpClient Api { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<AppHostProcess> StartAsync(params string[] settings)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("vllm-aspire-apphost-").FullName;
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(new Projects.AppHost().TargetPath);
        startInfo.ArgumentList.Add("--Dashboard:Url=http://127.0.0.1:0");
        startInfo.ArgumentList.Add($"--AppHost:DataDirectory={dataDirectory}");
        foreach (var setting in settings)
        {
            startInfo.ArgumentList.Add(setting);
        }

        startInfo.Environment["Logging__Console__FormatterName"] = "simple";
        var appHost = new AppHostProcess(Process.Start(startInfo)!, dataDirectory);
        appHost._process.OutputDataReceived += (_, e) => appHost.OnLine(e.Data);
        appHost._process.ErrorDataReceived += (_, e) => appHost.OnLine(e.Data);
        appHost._process.BeginOutputReadLine();
        appHost._process.BeginErrorReadLine();

        var login = await appHost._login.Task.WaitAsync(TimeSpan.FromSeconds(60));
        appHost.Dashboard = login.Dashboard;
        appHost.Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.Token);
        return appHost;
    }

    /// <summary>Gets whether a process is alive (a zombie waiting to be reaped is not).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

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
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
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

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        var match = LoginLine().Match(line);
        if (match.Success)
        {
            _login.TrySetResult((new Uri(match.Groups["url"].Value), match.Groups["token"].Value));
        }
    }

    [GeneratedRegex(@"Login to the dashboard at (?<url>http://127\.0\.0\.1:\d+)/login\?t=(?<token>[0-9a-f]{32})")]
    private static partial Regex LoginLine();
}
