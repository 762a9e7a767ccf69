using System.Diagnostics;
using System.Globalization;

namespace VllmAspire.VllmSimulator.Weights;

/// <summary>
/// The local stand-in for the published pod's native sidecar: the Provisioner's <c>prefetch MODEL --keep-running</c>
/// started as a child process when the simulator starts, so its reads overlap the engine start as they do in the pod.
/// Its output goes to the simulator's log; it is stopped when the simulator stops.
/// </summary>
public sealed class PrefetchSidecarProcess : IAsyncDisposable
{
    /// <summary>The source name its log lines carry, the published sidecar container's name.</summary>
    public const string LogSource = "prefetch-weights";

    private readonly Process _process;

    private PrefetchSidecarProcess(Process process) => _process = process;

    /// <summary>Gets the child's process ID.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts the prefetcher on <paramref name="model"/>.</summary>
    /// <param name="prefetcher">The Provisioner: an executable, or a <c>.dll</c> run with <c>dotnet</c>.</param>
    /// <param name="model">The weights folder.</param>
    /// <param name="concurrency">Reads in flight.</param>
    /// <param name="log">The simulator's log.</param>
    /// <returns>The running sidecar.</returns>
    /// <exception cref="WeightLoadException">The prefetcher cannot be started.</exception>
    public static PrefetchSidecarProcess Start(string prefetcher, string model, int concurrency, VllmLog log)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefetcher);
        ArgumentNullException.ThrowIfNull(log);
        var dll = prefetcher.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var startInfo = new ProcessStartInfo(dll ? "dotnet" : prefetcher)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (dll)
        {
            startInfo.ArgumentList.Add(prefetcher);
        }

        foreach (var arg in new[] { "prefetch", model, "--keep-running", "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture) })
        {
            startInfo.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                log.Info(LogSource, e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                log.Warning(LogSource, e.Data);
            }
        };
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            throw new WeightLoadException($"Cannot start the prefetch sidecar '{prefetcher}': {ex.Message}. Pass --prefetcher the Provisioner's executable or VllmAspire.Provisioner.dll, or leave it out.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        log.Info(LogSource, $"prefetch sidecar started (pid {process.Id}) reading {model} while the engine starts");
        return new PrefetchSidecarProcess(process);
    }

    /// <summary>Stops the prefetcher (as kubelet stops a sidecar when the pod ends) and waits for it.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or it did not exit in time: nothing more to do.
        }
        finally
        {
            _process.Dispose();
        }
    }
}
