using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace VllmAspire.Bench;

/// <summary>
/// Time from starting the AppHost to every resource Running and Healthy. "cold": a fresh data folder (the sample
/// model is generated, Prometheus starts with empty storage), the build already done; "warm": the same folder again.
/// Each run is a separate AppHost process started the way users start it (`dotnet run --project AppHost`, or the
/// built assembly directly with --direct), stopped with SIGTERM.
/// </summary>
internal static partial class AppHostStartBenchmark
{
    public static Command Command()
    {
        var runs = new Option<int>("--runs") { Description = "Warm runs after the cold one.", DefaultValueFactory = _ => 5 };
        var direct = new Option<bool>("--direct") { Description = "Start the built AppHost assembly with dotnet instead of `dotnet run --project AppHost`." };
        var command = new Command("apphost-start", "AppHost start to all resources healthy, cold and warm.") { runs, direct };
        command.SetAction(async (parse, ct) =>
        {
            var dataDirectory = Directory.CreateTempSubdirectory("vllm-aspire-bench-").FullName;
            var results = new List<(string Kind, double Login, double Healthy)>();
            try
            {
                for (var i = 0; i <= parse.GetValue(runs); i++)
                {
                    var (login, healthy) = await RunOnceAsync(dataDirectory, parse.GetValue(direct), ct);
                    var kind = i == 0 ? "cold" : "warm";
                    results.Add((kind, login, healthy));
                    Console.WriteLine($"run {i} ({kind}): login line after {Stats.Format(login)}, all healthy after {Stats.Format(healthy)}");
                }
            }
            finally
            {
                Directory.Delete(dataDirectory, recursive: true);
            }

            var warm = results.Where(r => r.Kind == "warm").Select(r => r.Healthy).ToList();
            var launch = parse.GetValue(direct) ? "dotnet VllmAspire.AppHost.dll" : "dotnet run --project AppHost";
            Console.WriteLine();
            Console.WriteLine("| start | runs | login line | all healthy (median) | all healthy (max) |");
            Console.WriteLine("|---|---|---|---|---|");
            Console.WriteLine($"| cold, {launch} | 1 | {Stats.Format(results[0].Login)} | {Stats.Format(results[0].Healthy)} | {Stats.Format(results[0].Healthy)} |");
            if (warm.Count > 0)
            {
                Console.WriteLine($"| warm, {launch} | {warm.Count} | {Stats.Format(Stats.Percentile(results.Skip(1).Select(r => r.Login).ToList(), 50))} | {Stats.Format(Stats.Percentile(warm, 50))} | {Stats.Format(warm.Max())} |");
            }

            return 0;
        });
        return command;
    }

    private static async Task<(double Login, double Healthy)> RunOnceAsync(string dataDirectory, bool direct, CancellationToken cancellationToken)
    {
        var appHost = new Projects.AppHost();
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (direct)
        {
            startInfo.ArgumentList.Add(appHost.TargetPath);
        }
        else
        {
            foreach (var argument in new[] { "run", "--project", appHost.ProjectPath, "--" })
            {
                startInfo.ArgumentList.Add(argument);
            }
        }

        startInfo.ArgumentList.Add("--Dashboard:Url=http://127.0.0.1:0");
        startInfo.ArgumentList.Add($"--AppHost:DataDirectory={dataDirectory}");
        var login = new TaskCompletionSource<(Uri Url, string Token)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(startInfo)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && LoginLine().Match(e.Data) is { Success: true } m)
            {
                login.TrySetResult((new Uri(m.Groups[1].Value), m.Groups[2].Value));
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var (url, token) = await login.Task.WaitAsync(TimeSpan.FromMinutes(3), cancellationToken);
            var loginSeconds = stopwatch.Elapsed.TotalSeconds;
            using var http = new HttpClient();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            while (true)
            {
                using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri(url, "/api/resources"), cancellationToken));
                if (json.RootElement.EnumerateArray().All(r => r.GetProperty("health").ValueKind == JsonValueKind.String && r.GetProperty("health").GetString() == "Healthy"))
                {
                    return (loginSeconds, stopwatch.Elapsed.TotalSeconds);
                }

                if (stopwatch.Elapsed > TimeSpan.FromMinutes(3))
                {
                    throw new TimeoutException("The AppHost did not become healthy within 3 minutes: " + json.RootElement);
                }

                await Task.Delay(50, cancellationToken);
            }
        }
        finally
        {
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(cancellationToken);
            }

            await process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
        }
    }

    [GeneratedRegex(@"Login to the dashboard at (http://[^/\s]+)/login\?t=([0-9a-f]+)")]
    private static partial Regex LoginLine();
}
