using System.Diagnostics;

namespace VllmAspire.Hosting.Orchestration;

/// <summary>Finds a container engine that answers (docker, then podman), once per AppHost run.</summary>
/// <param name="configured">The engine CLI to try (<c>AppHost:ContainerRuntime</c>: docker, podman or a path); both when unset.</param>
internal sealed class ContainerRuntimeProbe(string? configured)
{
    private readonly Lazy<Task<string?>> _runtime = new(() => ProbeAsync(string.IsNullOrEmpty(configured) ? ["docker", "podman"] : [configured]));

    /// <summary>Gets the path of an engine CLI whose engine answers, or <see langword="null"/>.</summary>
    public Task<string?> GetRuntimeAsync() => _runtime.Value;

    /// <summary>The message shown on container resources when no engine answers.</summary>
    public static string NoEngineMessage(string resourceName) =>
        $"Resource '{resourceName}' is a container and no container engine answered (tried `docker info` and `podman info`). " +
        "Start Docker or Podman to run it locally; publish and deploy do not need one.";

    private static async Task<string?> ProbeAsync(string[] candidates)
    {
        foreach (var name in candidates)
        {
            var path = ExecutableLocator.Find(name, Environment.CurrentDirectory);
            if (path is null)
            {
                continue;
            }

            var startInfo = new ProcessStartInfo(path, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(startInfo);
            if (process is null)
            {
                continue;
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                if (process.ExitCode == 0)
                {
                    return path;
                }
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        return null;
    }
}
