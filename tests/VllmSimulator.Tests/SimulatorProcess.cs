using System.Diagnostics;
using VllmAspire.Testing.Processes;
using VllmAspire.VllmCatalog;

namespace VllmSimulator.Tests;

/// <summary>The built simulator run as a real child process, with its output captured line by line.</summary>
public sealed class SimulatorProcess : IAsyncDisposable
{
    private readonly TestProcess _child;

    private SimulatorProcess(TestProcess child) => _child = child;

    /// <summary>The simulator's own build output, found from the repository root beside this test's output.</summary>
    public static string DllPath { get; } = FindDll();

    public string Stdout => string.Join('\n', _child.OutputLines);

    public string Stderr => string.Join('\n', _child.ErrorLines);

    public IReadOnlyList<string> StdoutLines => _child.OutputLines;

    public bool HasExited => _child.Process.HasExited;

    public int ProcessId => _child.Process.Id;

    /// <summary>Gets the TCP ports the simulator listens on now (from <c>/proc</c>).</summary>
    public IReadOnlyList<int> ListeningTcpPorts() => _child.ListeningTcpPorts();

    /// <summary>
    /// Starts the simulator. A test that does not set the start-up phases plays them instantly (<c>--startup-time-scale 0</c>),
    /// so only the real weight load takes time.
    /// </summary>
    public static SimulatorProcess Start(params string[] args)
    {
        string[] phases = args.Any(a => a is "--startup-time-scale" or "--engine-start-seconds") ? [] : ["--startup-time-scale", "0"];
        return new(TestProcess.StartDotnet(DllPath, [.. args, .. phases], new TestProcessOptions
        {
            Environment = new Dictionary<string, string?> { ["ASPNETCORE_URLS"] = null, ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null, [VllmCompileCacheKey.CacheRootVariable] = null },
        }));
    }

    /// <summary>Reads the URL from vLLM's "Starting vLLM API server [N ]on URL" line, through the start-up grammar.</summary>
    public static Uri? ListenUrl(string line) =>
        VllmStartupLog.TryParse(line, out _, out var mark) && mark.Kind == VllmStartupMarkKind.ApiServerStarting
            ? new Uri(mark.Text!.TrimEnd('/') + "/")
            : null;

    /// <summary>Waits for the "Starting vLLM API server on URL" line and returns the URL.</summary>
    public async Task<Uri> WaitForUrlAsync(TimeSpan? timeout = null)
    {
        try
        {
            var line = await _child.WaitForLineAsync(l => !l.IsError && ListenUrl(l.Text) is not null, "the simulator to listen", timeout ?? TimeSpan.FromSeconds(30));
            return ListenUrl(line)!;
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            throw new InvalidOperationException($"Simulator did not start: {ex.Message}", ex);
        }
    }

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public Task<int> WaitForExitAsync(TimeSpan timeout) => _child.WaitForExitAsync(timeout);

    public ValueTask DisposeAsync() => _child.DisposeAsync();

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

    public override string ToString() => _child.Describe();
}
