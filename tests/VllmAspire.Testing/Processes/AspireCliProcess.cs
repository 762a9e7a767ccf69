namespace VllmAspire.Testing.Processes;

/// <summary>
/// Starts the <c>aspire</c> CLI as users and CI run it: the repository's local tool (<c>dotnet tool restore</c>, then
/// <c>dotnet aspire ...</c>) from the repository root, pointed at the repository's AppHost, plain output and no
/// telemetry. Pipeline runs and commands against a running app differ only in their arguments and environment.
/// </summary>
public static class AspireCliProcess
{
    /// <summary>Gets the AppHost project the CLI is pointed at.</summary>
    public static string AppHostProject { get; } = Path.Combine(RepositoryPaths.Root, "AppHost", "AppHost.csproj");

    /// <summary>Starts <c>dotnet aspire ARGS --nologo --apphost AppHost/AppHost.csproj [-- APPHOST-ARGS]</c>.</summary>
    /// <param name="arguments">The verb, its arguments and options.</param>
    /// <param name="environment">Environment variables the run needs on top of the test's (and of plain, telemetry-free output).</param>
    /// <param name="removedVariablePrefixes">Inherited variables to drop, so the test decides what the AppHost sees.</param>
    /// <param name="appHostArguments">Arguments after <c>--</c>, which reach the AppHost's configuration.</param>
    /// <returns>The running CLI.</returns>
    public static TestProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment,
        IReadOnlyList<string>? removedVariablePrefixes = null, IEnumerable<string>? appHostArguments = null)
    {
        var passed = appHostArguments?.ToList() ?? [];
        var variables = new Dictionary<string, string?>(environment)
        {
            ["NO_COLOR"] = "1",
            ["ASPIRE_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        return TestProcess.Start(
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            ["aspire", .. arguments, "--nologo", "--apphost", AppHostProject, .. (passed.Count > 0 ? ["--", .. passed] : Array.Empty<string>())],
            new TestProcessOptions { WorkingDirectory = RepositoryPaths.Root, RemovedVariablePrefixes = removedVariablePrefixes ?? [], Environment = variables });
    }
}
