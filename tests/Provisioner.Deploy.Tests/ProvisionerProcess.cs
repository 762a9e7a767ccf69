using System.Collections.Concurrent;
using System.Diagnostics;

namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>A running Provisioner child process whose output is collected line by line.</summary>
internal sealed class ProvisionerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Seen)> _waits = [];

    public ProvisionerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>How long a run may take before the test gives up on it.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromMinutes(4);

    public string Output => string.Join('\n', _lines);

    /// <summary>Completes when a line matching the predicate is printed (or has been).</summary>
    public Task WhenLineAsync(Func<string, bool> match)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waits)
        {
            if (_lines.Any(match))
            {
                seen.SetResult();
            }
            else
            {
                _waits.Add((match, seen));
            }
        }

        return seen.Task;
    }

    /// <summary>Sends SIGINT, as Ctrl+C in the terminal does.</summary>
    public void Interrupt() => Assert.Equal(0, kill(_process.Id, 2));

    /// <summary>Kills the process with SIGKILL, as an OOM kill or a lost machine would.</summary>
    public void Kill() => _process.Kill();

    public async Task<int> WaitAsync()
    {
        // Longer than the image build's own deadline (Deploy:Images:BuildTimeout, 3 min in the tests): a real
        // `dotnet publish` on a loaded 2-core machine may take most of it.
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
            throw new TimeoutException($"The Provisioner did not finish within {Deadline.TotalMinutes:F0} min. Output:\n{Output}");
        }

        return _process.ExitCode;
    }

    public void Dispose() => _process.Dispose();

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_waits)
        {
            _lines.Enqueue(line);
            foreach (var wait in _waits.Where(w => w.Match(line)).ToList())
            {
                wait.Seen.TrySetResult();
                _waits.Remove(wait);
            }
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054 // A test helper; the source-generated form needs unsafe code.
    private static extern int kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
