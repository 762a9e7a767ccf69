namespace VllmAspire.Testing.Processes;

/// <summary>
/// Starts an Aspire AppHost as a user does, <c>dotnet run --project AppHost</c> (built already: <c>--no-build</c>), in
/// a terminal of its own: its own process group, so Ctrl+C can be sent to it as a terminal sends it. The environment is
/// the repository's <c>http</c> launch profile with every port free for the taking, so runs never collide with each
/// other or with one a developer has open.
/// </summary>
public static class AppHostLaunch
{
    /// <summary>The launch profile's settings, on ports the system picks.</summary>
    public static IReadOnlyDictionary<string, string?> Environment { get; } = new Dictionary<string, string?>
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["DOTNET_ENVIRONMENT"] = "Development",
        ["ASPNETCORE_URLS"] = "http://localhost:0",
        ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = "http://localhost:0",
        ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = "http://localhost:0",
        ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
        ["DcpPublisher__RandomizePorts"] = "true",
        ["NO_COLOR"] = "1",
    };

    /// <summary>Starts <c>dotnet run --project <paramref name="project"/> --no-build -- <paramref name="arguments"/></c> in a new process group.</summary>
    /// <param name="project">The AppHost project file.</param>
    /// <param name="arguments">The AppHost's own arguments (configuration).</param>
    /// <returns>The process; its id is the group's.</returns>
    public static TestProcess Start(string project, params string[] arguments) =>
        // setsid execs dotnet in place (the child is no group leader), so the process id stays the group's id.
        TestProcess.Start("setsid", ["dotnet", "run", "--project", project, "--no-build", "--no-launch-profile", "--", .. arguments], new TestProcessOptions
        {
            WorkingDirectory = RepositoryPaths.Root,
            Environment = Environment,
        });

    /// <summary>Sends Ctrl+C as a terminal does: SIGINT to every process of the AppHost's group.</summary>
    /// <param name="appHost">The process <see cref="Start"/> returned.</param>
    public static void CtrlC(TestProcess appHost)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-INT", "--", $"-{appHost.Process.Id}"]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -INT -- -{appHost.Process.Id} failed with exit code {kill.ExitCode}: the group is gone.");
        }
    }
}
