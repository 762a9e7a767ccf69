using System.Diagnostics;
using System.Text.Json;
using VllmAspire.AppHost.Tests;

namespace VllmAspire.Autoscaling.Tests;

/// <summary>The rehearsal a user runs: the real AppHost, the real `load` verb, the shim and the local HPA.</summary>
public sealed class LocalAutoscalingRehearsalTests
{
    [Fact]
    public async Task Load_scales_vllm_up_and_the_stabilisation_window_brings_it_back_to_one_replica()
    {
        await using var appHost = await AppHostProcess.StartAsync(
            "--Vllm:Replicas=1", "--Autoscaling:SyncPeriod=00:00:02", "--Autoscaling:DownscaleStabilization=00:00:15");
        await WaitForAsync(appHost, "vllm and the adapter healthy", TimeSpan.FromSeconds(120), resources =>
            resources.Where(r => r.GetProperty("name").GetString() is "vllm" or "metrics-adapter")
                .Count(r => r.GetProperty("health").ValueKind == JsonValueKind.String && r.GetProperty("health").GetString() == "Healthy") == 2);

        // The running AppHost advertises vLLM in its data folder; `load` finds it there (no --target).
        var runningFile = Path.Combine(appHost.DataDirectory, "running.json");
        await WaitForAsync(appHost, "running.json naming vllm", TimeSpan.FromSeconds(30), _ => File.Exists(runningFile) && File.ReadAllText(runningFile).Contains("\"vllm\"", StringComparison.Ordinal));

        using var load = StartLoad(appHost.DataDirectory, "--rate", "30", "--duration", "45s");
        var loadOutput = load.StandardOutput.ReadToEndAsync();
        var loadErrors = load.StandardError.ReadToEndAsync();

        await WaitForAsync(appHost, "a scale-up above 1 replica", TimeSpan.FromSeconds(60), resources => Replicas(resources) > 1);
        Assert.Contains("Autoscaler vllm: vllm:num_requests_waiting average", appHost.Output);
        Assert.Contains("vllm:num_requests_waiting above target", appHost.Output);

        await load.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(150));
        var output = await loadOutput;
        Assert.True(load.ExitCode == 0, $"load exited {load.ExitCode}:\n{output}\n{await loadErrors}");
        Assert.Matches(@"Achieved \d+\.\d\d req/s \(\d+ ok of \d+ sent, \d+ failed\); latency p50 \d+ ms, p90 \d+ ms, p99 \d+ ms", output);

        // Idle again: the proposal drops to 1 at once, the replicas follow only after the 15 s window.
        var idleSince = DateTime.UtcNow;
        await WaitForAsync(appHost, "a scale-down to 1 replica", TimeSpan.FromSeconds(90), resources => Replicas(resources) == 1);
        Assert.True(DateTime.UtcNow - idleSince >= TimeSpan.FromSeconds(5), "scaled down before the stabilisation window could hold it");
        Assert.Contains("All metrics below target", appHost.Output);
        Assert.DoesNotContain(appHost.Output.Split('\n'), l => l.Contains("scaling to", StringComparison.Ordinal) && l.Contains("failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Load_without_a_running_app_or_with_a_bad_duration_says_what_to_do()
    {
        var empty = Directory.CreateTempSubdirectory("vllm-aspire-load-").FullName;
        try
        {
            using var noApp = StartLoad(empty, "--duration", "5s");
            var error = await noApp.StandardError.ReadToEndAsync();
            await noApp.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(2, noApp.ExitCode);
            Assert.Contains("No running AppHost found", error);
            Assert.Contains("--target URL", error);

            using var badDuration = StartLoad(empty, "--duration", "3x", "--target", "http://127.0.0.1:9");
            var durationError = await badDuration.StandardError.ReadToEndAsync();
            await badDuration.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(2, badDuration.ExitCode);
            Assert.Contains("--duration '3x' is not a duration", durationError);

            using var badTarget = StartLoad(empty, "--target", "ftp://x");
            var targetError = await badTarget.StandardError.ReadToEndAsync();
            await badTarget.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(2, badTarget.ExitCode);
            Assert.Contains("--target 'ftp://x' is not an http(s) URL", targetError);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    private static Process StartLoad(string dataDirectory, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.ArgumentList.Add(new Projects.AppHost().TargetPath);
        startInfo.ArgumentList.Add("load");
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["AppHost__DataDirectory"] = dataDirectory;
        return Process.Start(startInfo)!;
    }

    private static int Replicas(JsonElement[] resources) =>
        resources.Single(r => r.GetProperty("name").GetString() == "vllm").GetProperty("replicas").GetInt32();

    private static async Task<JsonElement[]> WaitForAsync(AppHostProcess appHost, string what, TimeSpan timeout, Func<JsonElement[], bool> condition)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement[] resources = [];
        while (DateTime.UtcNow < deadline)
        {
            resources = await appHost.GetResourcesAsync();
            if (condition(resources))
            {
                return resources;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Timed out waiting for {what}:\n{string.Join('\n', resources.Select(r => r.ToString()))}\nAppHost output:\n{appHost.Output}");
    }
}
