using System.Text.Json;
using VllmAspire.Testing.Processes;

namespace VllmAspire.Testing.Aspire;

/// <summary>
/// The <c>aspire</c> CLI's commands against a running app (<c>describe</c>, <c>resource</c>, <c>otel</c>), as
/// <see cref="AspireCliProcess"/> starts it. Several runs of that
/// AppHost may be up at once (test projects run in parallel), and the CLI finds them through one socket each in
/// <c>~/.aspire/cli/bch</c>, named by the AppHost's path and process id; so each call sees only the socket of the run
/// it is for, through a private home folder that links to that socket alone.
/// </summary>
public static class AspireCli
{
    private static string Home { get; } = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>Runs <c>dotnet aspire <paramref name="arguments"/></c> against one AppHost process.</summary>
    /// <param name="appHostPid">The process the AppHost runs in (the test process itself for Aspire's testing host).</param>
    /// <param name="arguments">The verb and its arguments.</param>
    /// <param name="timeout">How long it may take.</param>
    /// <returns>Its exit code and output.</returns>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(int appHostPid, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var home = Directory.CreateTempSubdirectory("vllm-aspire-cli-home-").FullName;
        try
        {
            var sockets = Path.Combine(home, ".aspire", "cli", "bch");
            Directory.CreateDirectory(sockets);
            foreach (var socket in Directory.EnumerateFiles(Path.Combine(Home, ".aspire", "cli", "bch"), $"*.{appHostPid}"))
            {
                File.CreateSymbolicLink(Path.Combine(sockets, Path.GetFileName(socket)), socket);
            }

            await using var cli = AspireCliProcess.Start(arguments, new Dictionary<string, string?>
            {
                ["HOME"] = home,
                // The tool and the SDK's own state stay where they are.
                ["NUGET_PACKAGES"] = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Home, ".nuget", "packages"),
                ["DOTNET_CLI_HOME"] = Environment.GetEnvironmentVariable("DOTNET_CLI_HOME") ?? Home,
            });
            var exitCode = await cli.WaitForExitAsync(timeout ?? TimeSpan.FromMinutes(2)).ConfigureAwait(false);
            cli.Process.WaitForExit(); // drains the redirected output
            return (exitCode, string.Join('\n', cli.OutputLines), string.Join('\n', cli.ErrorLines));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary>Runs <c>aspire describe --format Json</c> and returns the resources it lists.</summary>
    /// <param name="appHostPid">The process the AppHost runs in.</param>
    /// <returns>Each resource (each replica) as the CLI describes it.</returns>
    public static async Task<IReadOnlyList<JsonElement>> DescribeAsync(int appHostPid)
    {
        var (exitCode, output, error) = await RunAsync(appHostPid, ["describe", "--format", "Json"]).ConfigureAwait(false);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"aspire describe exited {exitCode}:\n{output}\n{error}");
        }

        using var document = JsonDocument.Parse(output);
        return [.. document.RootElement.GetProperty("resources").EnumerateArray().Select(r => r.Clone())];
    }
}
