using System.Text.RegularExpressions;
using VllmAspire.Testing.Processes;

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
    private static readonly string[] ClearedPrefixes =
        ["Parameters__", "Gcp__", "Kubernetes__", "Deploy__", "Plan__", "GOOGLE_", "ASPIRE_", "DOTNET_ENVIRONMENT", "CLOUDSDK_CONFIG", "KUBECONFIG", "KUBERNETES_SERVICE_HOST"];

    private AspirePipelineRun(TestProcess cli) => Cli = cli;

    /// <summary>Gets the CLI's process: its lines as printed, waits on them, signals.</summary>
    public TestProcess Cli { get; }

    /// <summary>
    /// Gets the output as logical lines: the CLI wraps a step's log message at its width, so a line that continues a
    /// timestamped message is joined back to it.
    /// </summary>
    public IReadOnlyList<string> Lines => Unwrap(Cli.Lines.Select(l => l.Text));

    /// <summary>Starts <c>dotnet aspire VERB ARGS --nologo --non-interactive --no-build --apphost AppHost/AppHost.csproj [-- APPHOST-ARGS]</c>.</summary>
    /// <param name="arguments">The verb and its arguments, e.g. <c>["deploy"]</c> or <c>["do", "plan"]</c>.</param>
    /// <param name="aspireHome">The Aspire home (<c>ASPIRE_HOME</c>): where the CLI keeps its caches and the deployment state.</param>
    /// <param name="environment">Environment variables, e.g. <c>Parameters__gcp-project</c>.</param>
    /// <param name="appHostArguments">Arguments after <c>--</c>, which reach the AppHost's configuration.</param>
    /// <returns>The running CLI.</returns>
    public static AspirePipelineRun Start(IEnumerable<string> arguments, string aspireHome, IReadOnlyDictionary<string, string?>? environment = null,
        IEnumerable<string>? appHostArguments = null)
    {
        var variables = new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>()) { ["ASPIRE_HOME"] = aspireHome };
        return new AspirePipelineRun(AspireCliProcess.Start([.. arguments, "--non-interactive", "--no-build"], variables, ClearedPrefixes, appHostArguments));
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

    /// <summary>Waits for the CLI to exit.</summary>
    /// <returns>Its exit code.</returns>
    public Task<int> WaitAsync() => Cli.WaitForExitAsync(DefaultTimeout);

    /// <summary>Kills the CLI and everything it started (the AppHost) with SIGKILL, as a canceled CI job or a lost machine would.</summary>
    public void Kill() => Cli.Process.Kill(entireProcessTree: true);

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

    /// <inheritdoc />
    public void Dispose() => Cli.Dispose();

    [GeneratedRegex(@"^\d\d:\d\d:\d\d \(")]
    private static partial Regex LogLinePrefix();
}
