namespace VllmAspire.Hosting.Orchestration;

/// <summary>Finds programs the way a shell does: a path as given, a bare name on PATH.</summary>
internal static class ExecutableLocator
{
    /// <summary>Gets the full path of a program, or <see langword="null"/> when it cannot be found.</summary>
    public static string? Find(string command, string workingDirectory)
    {
        if (command.Contains('/', StringComparison.Ordinal))
        {
            var path = Path.GetFullPath(command, workingDirectory);
            return IsExecutable(path) ? path : null;
        }

        var searchPath = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, command))
            .FirstOrDefault(IsExecutable);
    }

    /// <summary>Gets the dotnet host that runs projects: the one running the AppHost when it is dotnet, else dotnet on PATH.</summary>
    public static string DotnetHost()
    {
        var fromCli = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromCli) && File.Exists(fromCli))
        {
            return fromCli;
        }

        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        return Find("dotnet", Environment.CurrentDirectory) ?? "dotnet";
    }

    private static bool IsExecutable(string path) =>
        File.Exists(path) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);
}
