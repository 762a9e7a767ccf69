using System.Diagnostics;

namespace VllmAspire.Hosting.Orchestration;

/// <summary>One running child process in its own process group, with its output forwarded line by line.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    // Variables of the AppHost that must not reach children: its own settings and parameter values (secrets among them).
    private static readonly string[] NotInheritedPrefixes = ["Parameters__", "ConnectionStrings__", "AppHost__", "Dashboard__", "services__", "OTEL_", "ASPNETCORE_URLS", "DOTNET_LAUNCH_PROFILE"];

    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Gets the process id, which is also its process group id.</summary>
    public int Id => _process.Id;

    /// <summary>Gets a task that completes with the exit code once the process has exited and its output is drained.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>Starts a process; every output line goes to <paramref name="onLine"/> (text, isError).</summary>
    public static ChildProcess Start(LaunchSpec spec, Action<string, bool> onLine)
    {
        var startInfo = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = spec.WorkingDirectory,
        };

        if (ProcessGroup.Setsid is { } setsid)
        {
            startInfo.FileName = setsid;
            startInfo.ArgumentList.Add(spec.FileName);
        }
        else
        {
            startInfo.FileName = spec.FileName;
        }

        foreach (var argument in spec.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var key in startInfo.Environment.Keys.Where(k => NotInheritedPrefixes.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            startInfo.Environment.Remove(key);
        }

        foreach (var (key, value) in spec.Environment)
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        var outputDrained = new CountdownEvent(2);
        process.OutputDataReceived += (_, e) => Forward(e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => Forward(e.Data, isError: true);
        // Exit is known from the process itself, not from the end of its output: a process it spawned may keep the
        // pipes open. The output is drained for a moment so the last lines are kept, then the exit is reported.
        process.Exited += (_, _) => Task.Run(async () =>
        {
            await Task.Run(() => outputDrained.Wait(TimeSpan.FromSeconds(1))).ConfigureAwait(false);
            child._exited.TrySetResult(process.ExitCode);
        });

        void Forward(string? line, bool isError)
        {
            if (line is null)
            {
                outputDrained.Signal();
            }
            else
            {
                onLine(line, isError);
            }
        }

        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Stops the process group: SIGTERM, then SIGKILL after <paramref name="grace"/>. Also kills what the process
    /// left behind when it has already exited.
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!_exited.Task.IsCompleted)
        {
            if (!ProcessGroup.Signal(Id, ProcessGroup.SigTerm))
            {
                TryKillTree();
            }

            await Task.WhenAny(_exited.Task, Task.Delay(grace)).ConfigureAwait(false);
        }

        KillGroup();
        if (!_exited.Task.IsCompleted)
        {
            TryKillTree();
            await Task.WhenAny(_exited.Task, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        }
    }

    /// <summary>Kills every process left in the group, e.g. grandchildren of a child that crashed.</summary>
    public void KillGroup()
    {
        if (ProcessGroup.IsAlive(Id))
        {
            ProcessGroup.Signal(Id, ProcessGroup.SigKill);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _process.Dispose();
    }

    private void TryKillTree()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
