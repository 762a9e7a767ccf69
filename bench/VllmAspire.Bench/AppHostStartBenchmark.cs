using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using VllmAspire.Testing;
using VllmAspire.Testing.Processes;

namespace VllmAspire.Bench;

/// <summary>
/// Warm start and stop of VllmAspire's AppHost beside a bare Aspire AppHost that runs as many processes
/// (bench/BareAppHost: prebuilt, as our services run, and as Aspire's AddProject does by default, building each project
/// at start), in turn in one run; the targets are against the prebuilt one. Each run starts <c>dotnet run --project ... --no-build</c> in its own
/// process group and follows <c>dotnet aspire describe --follow --format Json</c> from the dashboard's login line until
/// every resource is Running and Healthy (replicas the autoscaler has not started stay NotStarted); then it sends
/// Ctrl+C to the group and waits until every process of the app (the AppHost, DCP, the dashboard, every resource) is
/// gone. "Warm": the builds are done and the data folder already holds the sample model; the first run of each is a
/// warm-up and not counted.
/// </summary>
internal static class AppHostStartBenchmark
{
    public static Command Command()
    {
        var runs = new Option<int>("--runs") { Description = "Measured runs of each AppHost, after one warm-up run each.", DefaultValueFactory = _ => 5 };
        var command = new Command("apphost-start", "Warm start to all healthy and stop until nothing is left: VllmAspire's AppHost beside a bare one.") { runs };
        command.SetAction(async (parse, ct) =>
        {
            var dataDirectory = Directory.CreateTempSubdirectory("vllm-aspire-bench-").FullName;
            var ours = new AppHostUnderTest("VllmAspire AppHost", Path.Combine(RepositoryPaths.Root, "AppHost", "AppHost.csproj"), [$"--VllmAspire:DataDirectory={dataDirectory}"]);
            var bareProject = Path.Combine(RepositoryPaths.Root, "bench", "BareAppHost", "BareAppHost.csproj");
            var bare = new AppHostUnderTest("bare Aspire AppHost", bareProject, []);
            var bareBuilding = new AppHostUnderTest("bare, AddProject's default (each project built at start)", bareProject, ["--Bare:BuildAtStart=true"]);
            AppHostUnderTest[] all = [ours, bare, bareBuilding];
            try
            {
                for (var i = 0; i <= parse.GetValue(runs); i++)
                {
                    foreach (var appHost in all)
                    {
                        var result = await RunOnceAsync(appHost, ct);
                        Console.WriteLine($"{appHost.Name}, run {i}{(i == 0 ? " (warm-up)" : "")}: {result}");
                        if (i > 0)
                        {
                            appHost.Results.Add(result);
                        }
                    }
                }
            }
            finally
            {
                Directory.Delete(dataDirectory, recursive: true);
            }

            Console.WriteLine();
            Console.WriteLine("| AppHost | processes | runs | login line (median) | all healthy (median) | all healthy (max) | stopped, nothing left (median) | stopped (max) |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            foreach (var appHost in all)
            {
                var r = appHost.Results;
                Console.WriteLine($"| {appHost.Name} | {r[0].Processes} | {r.Count} | {Median(r, x => x.Login)} | {Median(r, x => x.Healthy)} | {Stats.Format(r.Max(x => x.Healthy))} | {Median(r, x => x.Stopped)} | {Stats.Format(r.Max(x => x.Stopped))} |");
            }

            var startRatio = Stats.Percentile([.. ours.Results.Select(x => x.Healthy)], 50) / Stats.Percentile([.. bare.Results.Select(x => x.Healthy)], 50);
            var stopDifference = Stats.Percentile([.. ours.Results.Select(x => x.Stopped)], 50) - Stats.Percentile([.. bare.Results.Select(x => x.Stopped)], 50);
            Console.WriteLine();
            Console.WriteLine($"start: {startRatio:F2}x the bare AppHost (target <= 1.2x and <= 15 s); stop: {stopDifference:+0.0;-0.0} s against the bare AppHost (target <= +2 s)");
            return 0;
        });
        return command;
    }

    private static string Median(List<RunResult> results, Func<RunResult, double> value) => Stats.Format(Stats.Percentile([.. results.Select(value)], 50));

    private static async Task<RunResult> RunOnceAsync(AppHostUnderTest appHost, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var process = AppHostLaunch.Start(appHost.Project, appHost.Arguments);
        await process.WaitForLineAsync(l => l.Text.Contains("Login to the dashboard at", StringComparison.Ordinal), "the dashboard's login line", TimeSpan.FromMinutes(3));
        var login = stopwatch.Elapsed.TotalSeconds;

        // The CLI streams every resource's snapshot as one JSON line; the latest per resource decides.
        await using var follow = TestProcess.Start("dotnet", ["aspire", "describe", "--follow", "--format", "Json", "--nologo", "--apphost", appHost.Project], new TestProcessOptions
        {
            WorkingDirectory = RepositoryPaths.Root,
            Environment = new Dictionary<string, string?> { ["NO_COLOR"] = "1", ["ASPIRE_CLI_TELEMETRY_OPTOUT"] = "1" },
        });
        var latest = new Dictionary<string, (string? State, string? Health)>(StringComparer.Ordinal);
        await follow.WaitForLineAsync(line =>
        {
            if (!line.Text.StartsWith('{'))
            {
                return false;
            }

            using var json = JsonDocument.Parse(line.Text);
            var r = json.RootElement;
            latest[r.GetProperty("name").GetString()!] = (r.GetProperty("state").GetString(), r.TryGetProperty("healthStatus", out var h) ? h.GetString() : null);
            return latest.Count > 0 && latest.Values.All(s => s.State == "NotStarted" || (s.State == "Running" && s.Health == "Healthy"))
                && latest.Values.Any(s => s.State == "Running");
        }, "every resource Running and Healthy", TimeSpan.FromMinutes(3));
        var healthy = stopwatch.Elapsed.TotalSeconds;
        await follow.DisposeAsync();

        var processes = ProcessTree.OfAppHost(process.Process.Id);
        var stop = Stopwatch.StartNew();
        AppHostLaunch.CtrlC(process);
        while (processes.Any(p => TestProcess.IsAlive(p.Pid)))
        {
            if (stop.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"{appHost.Name}: processes left 2 minutes after Ctrl+C: {string.Join(", ", processes.Where(p => TestProcess.IsAlive(p.Pid)).Select(p => p.CommandLine))}");
            }

            await Task.Delay(50, cancellationToken);
        }

        return new RunResult(login, healthy, stop.Elapsed.TotalSeconds, processes.Count);
    }

    private sealed record AppHostUnderTest(string Name, string Project, string[] Arguments)
    {
        public List<RunResult> Results { get; } = [];
    }

    private sealed record RunResult(double Login, double Healthy, double Stopped, int Processes)
    {
        public override string ToString() =>
            $"login line {Stats.Format(Login)}, all healthy {Stats.Format(Healthy)}, stopped with nothing left {Stats.Format(Stopped)} ({Processes} processes)";
    }
}
