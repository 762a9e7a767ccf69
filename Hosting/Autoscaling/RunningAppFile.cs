using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Autoscaling;

/// <summary>
/// The file <c>running.json</c> in the AppHost's data folder, kept while the application runs: which process runs it
/// and each running resource's client URL. Other invocations of the AppHost (the <c>load</c> verb) find the running
/// app through it. It is removed when the application stops.
/// </summary>
/// <param name="ProcessId">The AppHost process.</param>
/// <param name="Resources">Client URL per resource name.</param>
public sealed record RunningAppFile(int ProcessId, IReadOnlyDictionary<string, string> Resources)
{
    /// <summary>The file name.</summary>
    public const string FileName = "running.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Reads the file of a running application, if there is one whose process is alive.</summary>
    /// <param name="dataDirectory">The AppHost data folder.</param>
    /// <returns>The file, or null when no application runs.</returns>
    public static RunningAppFile? Read(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        try
        {
            var file = JsonSerializer.Deserialize<RunningAppFile>(File.ReadAllText(path), Json);
            return file is not null && IsAlive(file.ProcessId) ? file : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    internal void Write(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        var temporary = path + $".{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
        // Readers never see a half-written file.
        File.Move(temporary, path, overwrite: true);
    }

    private static bool IsAlive(int processId)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

/// <summary>Keeps <see cref="RunningAppFile"/> current from the resources' states while the AppHost runs.</summary>
internal sealed class RunningAppFileWriter(ResourceNotificationService notifications, AppHostPaths paths, ILogger<RunningAppFileWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var written = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            await foreach (var change in notifications.WatchAsync(stoppingToken).ConfigureAwait(false))
            {
                var url = change.Snapshot.State == KnownResourceStates.Running
                    ? change.Resource.GetEndpoints().FirstOrDefault()?.AllocatedEndpoint?.UriString
                    : null;
                var changed = url is null ? written.Remove(change.Resource.Name) : !written.TryGetValue(change.Resource.Name, out var old) || old != url;
                if (url is not null)
                {
                    written[change.Resource.Name] = url;
                }

                if (changed)
                {
                    new RunningAppFile(Environment.ProcessId, new Dictionary<string, string>(written)).Write(paths.DataDirectory);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (IOException e)
        {
            logger.LogWarning("Could not keep {File} in {Folder}: {Error}", RunningAppFile.FileName, paths.DataDirectory, e.Message);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        var path = Path.Combine(paths.DataDirectory, RunningAppFile.FileName);
        if (RunningAppFile.Read(paths.DataDirectory) is { } file && file.ProcessId == Environment.ProcessId)
        {
            File.Delete(path);
        }
    }
}
