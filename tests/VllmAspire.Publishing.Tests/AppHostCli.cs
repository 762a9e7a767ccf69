using System.Diagnostics;

namespace VllmAspire.Publishing.Tests;

/// <summary>Runs the real AppHost (`dotnet VllmAspire.AppHost.dll VERB ...`) to completion and captures its output.</summary>
internal static class AppHostCli
{
    /// <summary>The parameters of the test environment.</summary>
    public static readonly IReadOnlyDictionary<string, string> Parameters = new Dictionary<string, string>
    {
        ["gcp-project"] = "my-project",
        ["gcp-location"] = "us-central1",
        ["gcp-zone"] = "us-central1-a",
        ["gke-cluster"] = "vllm-cluster",
        ["container-registry"] = "us-central1-docker.pkg.dev/my-project/vllm",
    };

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string>? parameters, params string[] args)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(new Projects.AppHost().TargetPath);
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        // A clean environment for the parameters: only what the test gives.
        foreach (var key in startInfo.Environment.Keys.Where(k => k.StartsWith("Parameters__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            startInfo.Environment.Remove(key);
        }

        foreach (var (name, value) in parameters ?? new Dictionary<string, string>())
        {
            startInfo.Environment[$"Parameters__{name}"] = value;
        }

        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"AppHost {string.Join(' ', args)} did not finish within 120 s.");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
