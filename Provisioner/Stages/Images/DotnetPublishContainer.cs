using System.Diagnostics;
using System.Text.RegularExpressions;

namespace VllmAspire.Provisioner.Stages.Images;

/// <summary>
/// Builds a project's container image and pushes it with the .NET SDK's container support
/// (<c>dotnet publish -t:PublishContainer</c>), which needs no Docker. Credentials reach the SDK through its
/// <c>DOTNET_CONTAINER_PUSH_REGISTRY_UNAME</c>/<c>_PWORD</c> environment variables (the push-specific ones, which win
/// over the generic <c>DOTNET_CONTAINER_REGISTRY_*</c>), never the command line.
/// </summary>
/// <param name="options">The build settings.</param>
internal sealed partial class DotnetPublishContainer(ContainerImageStageOptions options)
{
    // Image stages run in parallel, but our projects share referenced projects (ServiceDefaults, Contracts) whose
    // obj/bin folders two concurrent builds would write at once; one build at a time, the registry checks stay parallel.
    private static readonly SemaphoreSlim BuildGate = new(1, 1);

    /// <summary>The runtime the image is built for: GKE's GPU nodes are x86-64, whatever machine runs the deploy.</summary>
    public const string RuntimeIdentifier = "linux-x64";

    /// <summary>Gets the arguments of the publish command (no secrets), for messages and dry runs.</summary>
    /// <param name="projectPath">The project file.</param>
    /// <param name="image">The image to push.</param>
    /// <returns>The arguments after <c>dotnet</c>.</returns>
    public IReadOnlyList<string> Arguments(string projectPath, ContainerImageReference image)
    {
        List<string> arguments =
        [
            "publish", projectPath, "-t:PublishContainer", "-c", options.Configuration, "-r", RuntimeIdentifier, "--self-contained", "false",
            $"-p:ContainerRegistry={image.Registry}", $"-p:ContainerRepository={image.Repository}", $"-p:ContainerImageTag={image.Tag}",
        ];
        if (options.BaseImage is { Length: > 0 } baseImage)
        {
            arguments.Add($"-p:ContainerBaseImage={baseImage}");
        }

        // No build servers: nothing of ours keeps running after the deploy, and no server holds an old environment.
        arguments.AddRange(["--disable-build-servers", "-nologo", "-v:minimal"]);
        return arguments;
    }

    /// <summary>Runs the build and push, reporting each output line; builds of different images take turns.</summary>
    /// <param name="projectPath">The project file.</param>
    /// <param name="image">The image to push.</param>
    /// <param name="credentials">The registry credentials.</param>
    /// <param name="output">Receives each output line, with the password redacted.</param>
    /// <param name="cancellationToken">Cancels the build (the process tree is killed).</param>
    /// <returns>A task that completes when the image is pushed.</returns>
    /// <exception cref="ProvisioningException">The build or push failed or timed out; the message quotes the last error lines.</exception>
    public async Task RunAsync(string projectPath, ContainerImageReference image, RegistryCredentials credentials, Action<string> output, CancellationToken cancellationToken)
    {
        if (!await BuildGate.WaitAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false))
        {
            output("waiting for another image build to finish");
            await BuildGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await RunAloneAsync(projectPath, image, credentials, output, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            BuildGate.Release();
        }
    }

    private async Task RunAloneAsync(string projectPath, ContainerImageReference image, RegistryCredentials credentials, Action<string> output, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(options.DotnetPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(projectPath)!,
        };
        foreach (var argument in Arguments(projectPath, image))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CONTAINER_PUSH_REGISTRY_UNAME"] = credentials.Username;
        start.Environment["DOTNET_CONTAINER_PUSH_REGISTRY_PWORD"] = credentials.Password;
        if (options.BaseImage is { } baseImage && baseImage.StartsWith(image.Registry + "/", StringComparison.Ordinal))
        {
            // The base image lives in the same registry: pull with the same credentials. Never for another registry
            // (MCR needs none), so the token is not offered to someone else's token service.
            start.Environment["DOTNET_CONTAINER_PULL_REGISTRY_UNAME"] = credentials.Username;
            start.Environment["DOTNET_CONTAINER_PULL_REGISTRY_PWORD"] = credentials.Password;
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        using var process = Process.Start(start)
            ?? throw new ProvisioningException(image.ToString(), $"'{options.DotnetPath}' could not be started", "Install the .NET SDK or put dotnet on the PATH, then rerun the deploy.");
        var tail = new Queue<string>();
        var errors = new List<string>();
        void Line(string? line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                return;
            }

            // MSBuild prefixes task messages with the targets file and suffixes the project; the user wants the message.
            var redacted = credentials.Redact(MessagePrefix().Replace(ProjectSuffix().Replace(line.Trim(), ""), ""));
            lock (tail)
            {
                tail.Enqueue(redacted);
                if (tail.Count > options.ErrorLines)
                {
                    tail.Dequeue();
                }

                if (redacted.Contains("error", StringComparison.OrdinalIgnoreCase) && !errors.Contains(redacted))
                {
                    errors.Add(redacted);
                }
            }

            output(redacted);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.BuildTimeout);
        var stdout = PumpAsync(process.StandardOutput, Line);
        var stderr = PumpAsync(process.StandardError, Line);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited by itself in the meantime.
            }

            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new ProvisioningException(image.ToString(), $"building and pushing took longer than {options.BuildTimeout}", "Check the registry's upload speed and rerun the deploy; a rerun keeps what was pushed.");
        }

        if (process.ExitCode != 0)
        {
            string[] quoted;
            lock (tail)
            {
                quoted = errors.Count > 0 ? [.. errors.TakeLast(options.ErrorLines)] : [.. tail];
            }

            throw new ProvisioningException(
                image.ToString(),
                $"dotnet publish {Path.GetFileName(projectPath)} -t:PublishContainer exited with code {process.ExitCode}: {string.Join(" | ", quoted)}",
                $"Fix the error above (run 'dotnet {string.Join(' ', Arguments(projectPath, image))}' to see the whole log), then rerun the deploy.");
        }
    }

    [GeneratedRegex(@"^\S+\.targets\(\d+,\d+\): message : ")]
    private static partial Regex MessagePrefix();

    [GeneratedRegex(@" \[[^\]]+\.csproj\]$")]
    private static partial Regex ProjectSuffix();

    private static async Task PumpAsync(StreamReader reader, Action<string?> line)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } text)
        {
            line(text);
        }
    }
}
