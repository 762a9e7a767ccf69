using System.Diagnostics;
using System.Globalization;

namespace VllmAspire.Testing.Processes;

/// <summary>
/// A real child process of a test, started as <c>dotnet &lt;assembly&gt;</c> from a build output: its standard output
/// and error captured line by line, waits on its lines and its exit bounded by deadlines, signals as a terminal or a
/// service manager sends them. Disposing kills it and everything it started.
/// </summary>
public sealed class TestProcess : IDisposable, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<OutputLine> _lines = [];
    private readonly List<(Func<OutputLine, bool> Predicate, TaskCompletionSource<string> Found)> _waiters = [];
    private int _openStreams = 2;

    private TestProcess(Process process) => Process = process;

    /// <summary>Raised for each line, on the reader's thread, after it is kept.</summary>
    public event Action<OutputLine>? LineReceived;

    /// <summary>Gets the process (its id, exit code, <see cref="Process.WaitForExit()"/> to drain the output).</summary>
    public Process Process { get; }

    /// <summary>Gets the lines of standard output so far.</summary>
    public IReadOnlyList<string> OutputLines => Select(isError: false);

    /// <summary>Gets the lines of standard error so far.</summary>
    public IReadOnlyList<string> ErrorLines => Select(isError: true);

    /// <summary>Gets every line so far, in the order they were read.</summary>
    public IReadOnlyList<OutputLine> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Starts <c>dotnet <paramref name="assemblyPath"/> <paramref name="arguments"/></c> (the muxer of the running SDK when known).</summary>
    /// <param name="assemblyPath">The built assembly.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="options">Working directory and environment.</param>
    /// <returns>The started process.</returns>
    public static TestProcess StartDotnet(string assemblyPath, IEnumerable<string> arguments, TestProcessOptions? options = null)
    {
        if (!File.Exists(assemblyPath))
        {
            throw new FileNotFoundException($"{assemblyPath} is not built; build the project it comes from first.", assemblyPath);
        }

        return Start(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [assemblyPath, .. arguments], options);
    }

    /// <summary>Starts <c><paramref name="fileName"/> <paramref name="arguments"/></c>, e.g. <c>dotnet aspire describe</c>.</summary>
    /// <param name="fileName">The program, found on PATH unless rooted.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="options">Working directory and environment.</param>
    /// <returns>The started process.</returns>
    public static TestProcess Start(string fileName, IEnumerable<string> arguments, TestProcessOptions? options = null)
    {
        options ??= new TestProcessOptions();
        TerminalSignals.RestoreDefaults(); // so the signals a test sends reach the child however the tests were started
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = options.WorkingDirectory ?? "",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var name in startInfo.Environment.Keys.Where(k => options.RemovedVariablePrefixes.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            startInfo.Environment.Remove(name);
        }

        foreach (var (name, value) in options.Environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        var child = new TestProcess(new Process { StartInfo = startInfo });
        child.Process.OutputDataReceived += (_, e) => child.OnLine(e.Data, isError: false);
        child.Process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, isError: true);
        child.Process.Start();
        child.Process.BeginOutputReadLine();
        child.Process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for the first line (kept or still to come) that satisfies <paramref name="predicate"/>.</summary>
    /// <param name="predicate">The line wanted.</param>
    /// <param name="what">What the line means, for the failure message.</param>
    /// <param name="timeout">The deadline.</param>
    /// <returns>The line's text.</returns>
    /// <exception cref="TimeoutException">No such line in time; the message has the output.</exception>
    /// <exception cref="InvalidOperationException">The process ended its output without such a line.</exception>
    public async Task<string> WaitForLineAsync(Func<OutputLine, bool> predicate, string what, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_lines.FirstOrDefault(predicate) is { } kept)
            {
                return kept.Text;
            }

            if (_openStreams == 0)
            {
                throw new InvalidOperationException($"The process exited without writing {what}.\n{Describe()}");
            }

            _waiters.Add((predicate, found));
        }

        try
        {
            return await found.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s waiting for {what}.\n{Describe()}");
        }
        finally
        {
            lock (_gate)
            {
                _waiters.RemoveAll(w => w.Found == found);
            }
        }
    }

    /// <summary>
    /// Waits for ASP.NET Core's <c>Now listening on: URL</c> line and returns the URL. A child told to listen on port 0
    /// (<c>ASPNETCORE_URLS=http://127.0.0.1:0</c>) binds a port no other process holds and names it there: unlike a
    /// port the test picks beforehand, nothing else can take it before the child binds it.
    /// </summary>
    /// <param name="timeout">The deadline.</param>
    /// <returns>The address it listens on.</returns>
    public async Task<Uri> WaitForListeningUrlAsync(TimeSpan timeout)
    {
        var line = await WaitForLineAsync(l => !l.IsError && ListeningUrl(l.Text) is not null, $"ASP.NET Core's \"{NowListeningOn}\" line", timeout).ConfigureAwait(false);
        return ListeningUrl(line)!;
    }

    /// <summary>Gets the TCP ports the process listens on now, read from Linux's <c>/proc</c>; none once it has exited.</summary>
    /// <returns>The ports, ascending.</returns>
    public IReadOnlyList<int> ListeningTcpPorts()
    {
        var pid = Process.Id.ToString(CultureInfo.InvariantCulture);
        var ports = new SortedSet<int>();
        try
        {
            // A socket's inode links its descriptor (socket:[inode]) to its row in the network namespace's tables.
            var sockets = new HashSet<string>(StringComparer.Ordinal);
            foreach (var descriptor in Directory.EnumerateFiles($"/proc/{pid}/fd"))
            {
                try
                {
                    if (new FileInfo(descriptor).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
                    {
                        sockets.Add(target["socket:[".Length..^1]);
                    }
                }
                catch (IOException)
                {
                    // Closed meanwhile.
                }
            }

            foreach (var table in new[] { "tcp", "tcp6" })
            {
                // Columns: sl, local address:port (hex), remote, state (0A: LISTEN), queues, timers, retransmits, uid, timeout, inode.
                foreach (var row in File.ReadLines($"/proc/{pid}/net/{table}").Skip(1))
                {
                    var columns = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (columns.Length > 9 && columns[3] == "0A" && sockets.Contains(columns[9]))
                    {
                        ports.Add(int.Parse(columns[1].AsSpan(columns[1].LastIndexOf(':') + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    }
                }
            }
        }
        catch (IOException)
        {
            // The process has exited (its /proc folder is gone): it listens on nothing.
        }

        return [.. ports];
    }

    /// <summary>Waits for the process to exit and its output to be read to the end.</summary>
    /// <param name="timeout">The deadline.</param>
    /// <returns>The exit code.</returns>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await Process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The process {Process.Id} did not exit within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.\n{Describe()}");
        }

        Process.WaitForExit(); // drains the redirected streams, so every line is kept
        return Process.ExitCode;
    }

    /// <summary>Sends a signal as a terminal or a service manager would (<c>INT</c> = Ctrl+C, <c>TERM</c>).</summary>
    /// <param name="signal">The signal's name without <c>SIG</c>.</param>
    public void Signal(string signal) => SignalProcess(Process.Id, signal);

    /// <summary>Sends a signal to any process by id.</summary>
    /// <param name="pid">The process.</param>
    /// <param name="signal">The signal's name without <c>SIG</c>.</param>
    public static void SignalProcess(int pid, string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {pid} failed with exit code {kill.ExitCode}: the process is gone or not ours.");
        }
    }

    /// <summary>Gets whether a process is alive (a zombie waiting to be reaped is not).</summary>
    /// <param name="pid">The process.</param>
    /// <returns>Whether it runs.</returns>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Describes the output so far, for failure messages.</summary>
    /// <returns>Standard output, then standard error.</returns>
    public string Describe() => $"stdout:\n{string.Join('\n', OutputLines)}\nstderr:\n{string.Join('\n', ErrorLines)}";

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill, or never started.
        }

        Process.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await Process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // It exited between the check and the kill, never started, or ignores SIGKILL's aftermath (reported by the test).
        }

        Process.Dispose();
    }

    private const string NowListeningOn = "Now listening on:";

    private static Uri? ListeningUrl(string line)
    {
        var at = line.IndexOf(NowListeningOn, StringComparison.Ordinal);
        return at >= 0 && Uri.TryCreate(line[(at + NowListeningOn.Length)..].Trim(), UriKind.Absolute, out var url) ? url : null;
    }

    private IReadOnlyList<string> Select(bool isError)
    {
        lock (_gate)
        {
            return [.. _lines.Where(l => l.IsError == isError).Select(l => l.Text)];
        }
    }

    private void OnLine(string? text, bool isError)
    {
        List<TaskCompletionSource<string>> ended = [];
        OutputLine? line = null;
        lock (_gate)
        {
            if (text is null)
            {
                // End of one stream; once both end, no awaited line can come any more.
                if (--_openStreams == 0)
                {
                    ended = [.. _waiters.Select(w => w.Found)];
                }
            }
            else
            {
                line = new OutputLine(text, isError);
                _lines.Add(line);
                foreach (var waiter in _waiters.Where(w => w.Predicate(line)))
                {
                    waiter.Found.TrySetResult(text);
                }
            }
        }

        foreach (var waiter in ended)
        {
            waiter.TrySetException(new InvalidOperationException($"The process ended its output without the awaited line.\n{Describe()}"));
        }

        if (line is not null)
        {
            LineReceived?.Invoke(line);
        }
    }
}
