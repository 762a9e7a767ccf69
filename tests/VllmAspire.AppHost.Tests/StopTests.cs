using System.Diagnostics;
using System.Text.Json;
using VllmAspire.Testing;
using VllmAspire.Testing.Aspire;
using VllmAspire.Testing.Processes;

namespace VllmAspire.AppHost.Tests;

/// <summary>Ctrl+C in the terminal of <c>dotnet run --project AppHost</c> leaves no process of the app behind.</summary>
[Collection(AppHostProcessCollection.Name)]
public sealed class StopTests
{
    [Fact]
    public async Task Ctrl_C_stops_the_AppHost_and_Aspire_leaves_no_process_of_the_app()
    {
        var data = Directory.CreateTempSubdirectory("vllm-aspire-stop-").FullName;
        await using var appHost = AppHostLaunch.Start(AspireCliProcess.AppHostProject, $"--VllmAspire:DataDirectory={data}");
        try
        {
            await appHost.WaitForLineAsync(l => l.Text.Contains("Login to the dashboard at", StringComparison.Ordinal), "the dashboard's login line", TimeSpan.FromMinutes(3));
            var appHostPid = ProcessTree.OfAppHost(appHost.Process.Id).Single(p => p.CommandLine.StartsWith(Path.Combine(RepositoryPaths.Root, "AppHost", "bin"), StringComparison.Ordinal)).Pid;
            await WaitUntilEveryResourceIsHealthyAsync(appHostPid);

            // Everything of the app: the AppHost, DCP (outside the tree on purpose), the dashboard, every resource.
            var processes = ProcessTree.OfAppHost(appHost.Process.Id);
            Assert.Contains(processes, p => p.CommandLine.Contains("dcp start-apiserver", StringComparison.Ordinal));
            Assert.Contains(processes, p => p.CommandLine.Contains("Aspire.Dashboard", StringComparison.Ordinal));
            Assert.Contains(processes, p => p.CommandLine.StartsWith("prometheus ", StringComparison.Ordinal));
            foreach (var service in new[] { "VllmAspire.VllmSimulator", "VllmAspire.MetricsAdapterShim", "VllmAspire.Provisioner" })
            {
                Assert.Contains(processes, p => p.CommandLine.Contains(service, StringComparison.Ordinal));
            }

            var stop = Stopwatch.StartNew();
            AppHostLaunch.CtrlC(appHost);
            await appHost.WaitForExitAsync(TimeSpan.FromMinutes(1));
            var exited = stop.Elapsed;
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
            while (processes.Any(p => TestProcess.IsAlive(p.Pid)) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }

            var left = processes.Where(p => TestProcess.IsAlive(p.Pid)).ToList();
            Assert.True(left.Count == 0, $"{left.Count} processes outlived the AppHost ({exited.TotalSeconds:F1} s to exit) by a minute:\n{string.Join('\n', left.Select(p => $"{p.Pid} {p.CommandLine}"))}");
            TestContext.Current.SendDiagnosticMessage($"dotnet run exited {exited.TotalSeconds:F1} s after Ctrl+C; the last of {processes.Count} processes was gone after {stop.Elapsed.TotalSeconds:F1} s.");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    // `aspire describe`, as a script would: every resource Running and Healthy, but the replicas the autoscaler has not started.
    private static async Task WaitUntilEveryResourceIsHealthyAsync(int appHostPid)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            var (exitCode, output, error) = await AspireCli.RunAsync(appHostPid, ["describe", "--format", "Json"]);
            last = exitCode == 0 ? output : error;
            if (exitCode == 0)
            {
                using var json = JsonDocument.Parse(output);
                var resources = json.RootElement.GetProperty("resources").EnumerateArray().ToList();
                if (resources.Count > 0 && resources.All(r => r.GetProperty("state").GetString() == "NotStarted"
                    || (r.GetProperty("state").GetString() == "Running" && r.GetProperty("healthStatus").GetString() == "Healthy")))
                {
                    return;
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        throw new TimeoutException($"Not every resource became Running and Healthy:\n{last}");
    }
}
