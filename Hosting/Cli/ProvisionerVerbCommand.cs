using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VllmAspire.Hosting.Orchestration;
using VllmAspire.Hosting.Publishing;

namespace VllmAspire.Hosting.Cli;

/// <summary>
/// A verb that publishes the model into the data folder and hands it to the Provisioner's CLI (<c>deploy</c> or
/// <c>destroy --from DIR</c>) as a child process with this terminal, passing its exit code through. The AppHost only
/// knows the Provisioner as a program to run, never as an assembly.
/// </summary>
/// <param name="verb">The AppHost verb, also the Provisioner's.</param>
/// <param name="description">The verb's help text.</param>
internal abstract class ProvisionerVerbCommand(string verb, string description) : IAppHostCommand
{
    /// <summary>The folder under the data folder that deploy and destroy publish to.</summary>
    public const string PublishFolder = "publish";

    /// <summary>The configuration section passed to the Provisioner (e.g. <c>Gcp:Endpoints:Compute</c>).</summary>
    public const string GcpSection = "Gcp";

    /// <summary>The Provisioner's setting for the folder holding VllmAspire.sln, which the plan's container images are built from.</summary>
    public const string RepositoryRootKey = "Deploy:RepositoryRoot";

    /// <summary>The solution file that marks the repository root.</summary>
    public const string SolutionFileName = "VllmAspire.sln";

    /// <inheritdoc />
    public Command Create(DistributedApplication app)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Only observe, and print what would change." };
        var command = new Command(verb, description) { dryRun };
        ConfigurationOverrides.Allow(command);
        command.SetAction((parseResult, cancellationToken) =>
            ConfigurationOverrides.Reject(parseResult) ? Task.FromResult(2) : RunAsync(app, parseResult.GetValue(dryRun), cancellationToken));
        return command;
    }

    private async Task<int> RunAsync(DistributedApplication app, bool dryRun, CancellationToken cancellationToken)
    {
        var paths = app.Services.GetRequiredService<AppHostPaths>();
        var published = Path.Combine(paths.DataDirectory, PublishFolder);
        // The same path as `publish`: a model with problems exits 2 here, before anything runs.
        var publishExit = GkePublisher.Publish(app.Model, published, Console.Out, Console.Error);
        if (publishExit != 0)
        {
            return publishExit;
        }

        var provisioner = new KnownProjects.Provisioner();
        var build = await new ProjectBuilder().EnsureBuiltAsync(provisioner, (line, _) => Console.Error.WriteLine(line), cancellationToken).ConfigureAwait(false);
        if (build.TargetPath is null)
        {
            await Console.Error.WriteLineAsync($"error: the Provisioner could not be built: {build.Error}").ConfigureAwait(false);
            return 1;
        }

        var start = new ProcessStartInfo(ExecutableLocator.DotnetHost()) { UseShellExecute = false };
        var repositoryRoot = FindRepositoryRoot(provisioner.ProjectPath);
        foreach (var argument in BuildArguments(build.TargetPath, published, dryRun, app.Services.GetRequiredService<IConfiguration>(), repositoryRoot))
        {
            start.ArgumentList.Add(argument);
        }

        using var child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        // Ctrl+C reaches the Provisioner through the terminal: it stops its stages and prints its summary, so the AppHost
        // only waits. SIGTERM sent to the AppHost alone is passed on.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            ProcessGroup.SignalProcess(child.Id, ProcessGroup.SigTerm);
        });
        using var canceled = cancellationToken.Register(() => ProcessGroup.SignalProcess(child.Id, ProcessGroup.SigTerm));
        await child.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        return child.ExitCode;
    }

    /// <summary>Builds the Provisioner's arguments: the verb, the published folder, the repository root and the <c>Gcp:*</c> configuration as overrides.</summary>
    /// <param name="provisionerDll">The Provisioner's assembly.</param>
    /// <param name="published">The published folder.</param>
    /// <param name="dryRun">Whether it is a dry run.</param>
    /// <param name="configuration">The AppHost's configuration.</param>
    /// <param name="repositoryRoot">The folder holding VllmAspire.sln, or <see langword="null"/> when the sources are not found.</param>
    /// <returns>The arguments after <c>dotnet</c>.</returns>
    internal IReadOnlyList<string> BuildArguments(string provisionerDll, string published, bool dryRun, IConfiguration configuration, string? repositoryRoot = null)
    {
        List<string> arguments = [provisionerDll, verb, "--from", published];
        if (dryRun)
        {
            arguments.Add("--dry-run");
        }

        if (repositoryRoot is not null)
        {
            arguments.Add($"--{RepositoryRootKey}={repositoryRoot}");
        }

        foreach (var (key, value) in configuration.GetSection(GcpSection).AsEnumerable().Where(e => e.Value is not null).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            arguments.Add($"--{key}={value}");
        }

        return arguments;
    }

    /// <summary>Finds the sources the plan's container images are built from: the nearest folder above the Provisioner's project that holds VllmAspire.sln.</summary>
    /// <param name="provisionerProject">The Provisioner's project file.</param>
    /// <returns>The folder, or <see langword="null"/> when there is none (the Provisioner then names the missing setting).</returns>
    internal static string? FindRepositoryRoot(string provisionerProject)
    {
        for (var folder = Path.GetDirectoryName(Path.GetFullPath(provisionerProject)); folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if (File.Exists(Path.Combine(folder, SolutionFileName)))
            {
                return folder;
            }
        }

        return null;
    }
}
