using System.Collections.Concurrent;
using System.Diagnostics;

namespace VllmAspire.Hosting.Orchestration;

/// <summary>
/// Builds each project at most once per AppHost run, only when its output is missing (the AppHost's own build
/// normally built it already), and finds the assembly to start.
/// </summary>
internal sealed class ProjectBuilder
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ProjectBuildResult>>> _builds = new(StringComparer.Ordinal);

    /// <summary>Gets the project's output assembly, building the project first if needed.</summary>
    public Task<ProjectBuildResult> EnsureBuiltAsync(IProjectMetadata metadata, Action<string, bool> log, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(metadata.TargetPath) && File.Exists(metadata.TargetPath))
        {
            return Task.FromResult(ProjectBuildResult.Success(metadata.TargetPath));
        }

        return _builds.GetOrAdd(metadata.ProjectPath, path => new Lazy<Task<ProjectBuildResult>>(() => BuildAsync(path, log, cancellationToken))).Value;
    }

    private static async Task<ProjectBuildResult> BuildAsync(string projectPath, Action<string, bool> log, CancellationToken cancellationToken)
    {
        log($"Building {projectPath}", false);
        var (buildExit, _) = await RunDotnetAsync(["build", projectPath, "--nologo", "-v", "q", "-clp:NoSummary"], log, cancellationToken).ConfigureAwait(false);
        if (buildExit != 0)
        {
            return ProjectBuildResult.Failure(
                $"Building {Path.GetFileName(projectPath)} failed (exit code {buildExit}); the compiler's errors are in this resource's console log. Fix them, or run `dotnet build {projectPath}` to see them.");
        }

        var (exit, output) = await RunDotnetAsync(["msbuild", projectPath, "-getProperty:TargetPath"], (_, _) => { }, cancellationToken).ConfigureAwait(false);
        var targetPath = output.Trim();
        return exit == 0 && File.Exists(targetPath)
            ? ProjectBuildResult.Success(targetPath)
            : ProjectBuildResult.Failure($"Built {Path.GetFileName(projectPath)} but found no output assembly (TargetPath '{targetPath}'). Is it an executable project?");
    }

    private static async Task<(int ExitCode, string Output)> RunDotnetAsync(IEnumerable<string> arguments, Action<string, bool> log, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(ExecutableLocator.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start dotnet.");
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.AppendLine(e.Data);
                log(e.Data, false);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                log(e.Data, true);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, output.ToString());
    }
}

/// <summary>The outcome of making sure a project is built.</summary>
/// <param name="TargetPath">The assembly to start, on success.</param>
/// <param name="Error">What went wrong and how to fix it, on failure.</param>
internal sealed record ProjectBuildResult(string? TargetPath, string? Error)
{
    public static ProjectBuildResult Success(string targetPath) => new(targetPath, null);

    public static ProjectBuildResult Failure(string error) => new(null, error);
}
