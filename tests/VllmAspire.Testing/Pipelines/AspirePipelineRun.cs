using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace VllmAspire.Testing.Pipelines;

/// <summary>
/// One run of the <c>aspire</c> CLI's pipeline commands (<c>publish</c>, <c>do</c>, <c>deploy</c>, <c>destroy</c>)
/// against the repository's AppHost, as CI runs them: the local tool from the repository root, non-interactive, plain
/// output, parameters and settings through the environment only, and an Aspire home of the test's own (the CLI's
/// caches and the deployment state file). The AppHost must be built: the run passes <c>--no-build</c>.
/// </summary>
public sealed partial class AspirePipelineRun : IDisposable
{
    /// <summary>How long a run may take before the test gives up on it: generous, for a loaded 2-core machine.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(4);

    // Inherited settings that would change what the AppHost does: the test gives what it wants.
    private static readonly string[] ClearedPrefixes = ["Parameters__", "Gcp__", "Kubernetes__", "Deploy__", "Plan__", "GOOGLE_", "ASPIRE_", "DOTNET_ENVIRONMENT"];
    private static readonly string[] ClearedNames = ["CLOUDSDK_CONFIG", "KUBECONFIG", "KUBERNETES_SERVICE_HOST"];

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Seen)> _waits = [];

    private AspirePipelineRun(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Gets the AppHost project the CLI is pointed at.</summary>
    public static string AppHostProject { get; } = Path.Combine(RepositoryPaths.Root, "AppHost", "AppHost.csproj");

    /// <summary>Gets everything the CLI printed so far, standard output and error interleaved as read.</summary>
    public string Output => string.Join('\n', _lines);

    /// <summary>
    /// Gets the output as logical lines: the CLI wraps a step's log message at its width, so a line that continues a
    /// timestamped message is joined back to it.
    /// </summary>
    public IReadOnlyList<string> Lines => Unwrap(_lines);

    /// <summary>Gets the CLI's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts <c>dotnet aspire VERB ARGS --nologo --non-interactive --no-build --apphost AppHost/AppHost.csproj [-- APPHOST-ARGS]</c>.</summary>
    /// <param name="arguments">The verb and its arguments, e.g. <c>["deploy"]</c> or <c>["do", "plan"]</c>.</param>
    /// <param name="aspireHome">The Aspire home (<c>ASPIRE_HOME</c>): where the CLI keeps its caches and the deployment state.</param>
    /// <param name="environment">Environment variables, e.g. <c>Parameters__gcp-project</c>.</param>
    /// <param name="appHostArguments">Arguments after <c>--</c>, which reach the AppHost's configuration.</param>
    /// <returns>The running CLI.</returns>
    public static AspirePipelineRun Start(IEnumerable<string> arguments, string aspireHome, IReadOnlyDictionary<string, string?>? environment = null,
        IEnumerable<string>? appHostArguments = null)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("aspire");
        foreach (var argument in arguments.Concat(["--nologo", "--non-interactive", "--no-build", "--apphost", AppHostProject]))
        {
            start.ArgumentList.Add(argument);
        }

        if (appHostArguments?.ToList() is { Count: > 0 } passed)
        {
            start.ArgumentList.Add("--");
            passed.ForEach(start.ArgumentList.Add);
        }

        foreach (var key in start.Environment.Keys.Where(k => ClearedNames.Contains(k) || ClearedPrefixes.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["ASPIRE_HOME"] = aspireHome;
        start.Environment["ASPIRE_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["NO_COLOR"] = "1";
        start.Environment["COLUMNS"] = "400";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        return new AspirePipelineRun(Process.Start(start) ?? throw new InvalidOperationException("dotnet aspire did not start."));
    }

    /// <summary>Runs a command to its end.</summary>
    /// <param name="arguments">The verb and its arguments.</param>
    /// <param name="aspireHome">The Aspire home.</param>
    /// <param name="environment">Environment variables.</param>
    /// <param name="appHostArguments">Arguments after <c>--</c>.</param>
    /// <returns>The exit code and everything printed, wrapped lines joined (<see cref="Lines"/>).</returns>
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> arguments, string aspireHome,
        IReadOnlyDictionary<string, string?>? environment = null, IEnumerable<string>? appHostArguments = null)
    {
        using var run = Start(arguments, aspireHome, environment, appHostArguments);
        var exitCode = await run.WaitAsync().ConfigureAwait(false);
        return (exitCode, string.Join('\n', run.Lines));
    }

    /// <summary>Completes when a line matching the predicate is printed (or has been).</summary>
    /// <param name="match">The line to wait for.</param>
    /// <returns>A task that completes when it is seen.</returns>
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

    /// <summary>Kills the CLI and everything it started (the AppHost) with SIGKILL, as a canceled CI job or a lost machine would.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Waits for the CLI to exit.</summary>
    /// <param name="timeout">How long it may take; <see cref="DefaultTimeout"/> by default.</param>
    /// <returns>Its exit code.</returns>
    public async Task<int> WaitAsync(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"aspire did not finish within {(timeout ?? DefaultTimeout).TotalSeconds:F0} s. Output:\n{Output}");
        }

        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    /// <summary>Joins the lines the CLI wrapped back into the messages it printed.</summary>
    /// <param name="lines">The printed lines.</param>
    /// <returns>One line per message.</returns>
    public static IReadOnlyList<string> Unwrap(IEnumerable<string> lines)
    {
        var joined = new List<string>();
        var inMessage = false;
        foreach (var line in lines)
        {
            if (inMessage && line.Length > 0 && !LogLinePrefix().IsMatch(line) && !line.StartsWith("---", StringComparison.Ordinal))
            {
                // The CLI breaks at a space, keeping it on the first line, or drops the space it breaks at.
                var previous = joined[^1];
                joined[^1] = previous.EndsWith(' ') ? previous + line : $"{previous} {line}";
                continue;
            }

            joined.Add(line);
            inMessage = LogLinePrefix().IsMatch(line);
        }

        return joined;
    }

    [GeneratedRegex(@"^\d\d:\d\d:\d\d \(")]
    private static partial Regex LogLinePrefix();

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
}
