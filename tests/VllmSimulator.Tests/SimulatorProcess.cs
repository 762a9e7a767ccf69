using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace VllmSimulator.Tests;

/// <summary>The built simulator run as a real child process, with its output captured line by line.</summary>
public sealed partial class SimulatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly TaskCompletionSource<string> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SimulatorProcess(Process process) => _process = process;

    /// <summary>The simulator's own build output, found from the repository root beside this test's output.</summary>
    public static string DllPath { get; } = FindDll();

    public string Stdout { get { lock (_gate) { return string.Join('\n', _stdout); } } }

    public string Stderr { get { lock (_gate) { return string.Join('\n', _stderr); } } }

    public IReadOnlyList<string> StdoutLines { get { lock (_gate) { return [.. _stdout]; } } }

    public bool HasExited => _process.HasExited;

    public int ProcessId => _process.Id;

    [GeneratedRegex(@"Starting vLLM API server on (http://\S+)")]
    private static partial Regex StartingLine();

    public static SimulatorProcess Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(DllPath);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment.Remove("ASPNETCORE_URLS");
        psi.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var sim = new SimulatorProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (sim._gate)
            {
                sim._stdout.Add(e.Data);
            }

            if (StartingLine().Match(e.Data) is { Success: true } m)
            {
                sim._url.TrySetResult(m.Groups[1].Value);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (sim._gate)
                {
                    sim._stderr.Add(e.Data);
                }
            }
        };
        process.Exited += (_, _) => sim._url.TrySetException(new InvalidOperationException("The simulator exited before listening."));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return sim;
    }

    /// <summary>Waits for the "Starting vLLM API server on URL" line and returns the URL.</summary>
    public async Task<Uri> WaitForUrlAsync(TimeSpan? timeout = null)
    {
        try
        {
            var url = await _url.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
            return new Uri(url.TrimEnd('/') + "/");
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"Simulator did not start: {ex.Message}\nstdout:\n{Stdout}\nstderr:\n{Stderr}", ex);
        }
    }

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private static string FindDll()
    {
        var baseDir = AppContext.BaseDirectory;
        var configuration = baseDir.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        for (var dir = new DirectoryInfo(baseDir); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VllmAspire.sln")))
            {
                var path = Path.Combine(dir.FullName, "VllmSimulator", "bin", configuration, "net10.0", "VllmAspire.VllmSimulator.dll");
                if (File.Exists(path))
                {
                    return path;
                }

                throw new FileNotFoundException($"Build the simulator first: {path} is missing.");
            }
        }

        throw new DirectoryNotFoundException("VllmAspire.sln not found above " + baseDir);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or the deadline passes (no sleep-timed assertions).</summary>
    public static async Task<bool> PollAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? interval = null)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(20));
        }

        return await condition();
    }

    public override string ToString() => new StringBuilder().Append("stdout:\n").Append(Stdout).Append("\nstderr:\n").Append(Stderr).ToString();
}
