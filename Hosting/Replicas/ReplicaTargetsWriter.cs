using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace VllmAspire.Hosting.Replicas;

/// <summary>
/// Keeps <see cref="ReplicaTargets"/> current in a local run: whenever a replica of a resource with a
/// <see cref="PrometheusScrapeAnnotation"/> starts or stops, its resource's file is rewritten from every replica's latest
/// snapshot. A replica's address is its own port (the variable the annotation names, from the replica's effective
/// environment) or, for a resource without one, its endpoint's URL.
/// </summary>
/// <param name="model">The application model.</param>
/// <param name="notifications">Where replica snapshots come from.</param>
/// <param name="directory">The targets folder.</param>
/// <param name="logger">The logger.</param>
internal sealed class ReplicaTargetsWriter(DistributedApplicationModel model, ResourceNotificationService notifications, ReplicaTargetsDirectory directory, ILogger<ReplicaTargetsWriter> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var scraped = model.Resources.Where(r => r.TryGetLastAnnotation<PrometheusScrapeAnnotation>(out _)).ToHashSet();
        foreach (var resource in scraped)
        {
            ReplicaTargets.Write(directory.Path, resource, []);
        }

        var latest = new Dictionary<string, ResourceEvent>(StringComparer.Ordinal);
        var written = new Dictionary<IResource, string>();
        try
        {
            await foreach (var e in notifications.WatchAsync(stoppingToken).ConfigureAwait(false))
            {
                if (!scraped.Contains(e.Resource))
                {
                    continue;
                }

                latest[e.ResourceId] = e;
                var replicas = latest.Values
                    .Where(r => r.Resource == e.Resource && r.Snapshot.State?.Text == KnownResourceStates.Running)
                    .Select(r => (Name: r.ResourceId, Address: AddressOf(r)))
                    .Where(r => r.Address is not null)
                    .Select(r => (r.Name, r.Address!))
                    .ToList();
                var key = string.Join(',', replicas.OrderBy(r => r.Name, StringComparer.Ordinal));
                if (!written.TryGetValue(e.Resource, out var previous) || previous != key)
                {
                    written[e.Resource] = key;
                    ReplicaTargets.Write(directory.Path, e.Resource, replicas);
                    logger.LogDebug("Targets of {Resource}: {Replicas}", e.Resource.Name, key);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static string? AddressOf(ResourceEvent replica)
    {
        var scrape = replica.Resource.Annotations.OfType<PrometheusScrapeAnnotation>().Last();
        if (scrape.PortEnvironmentVariable is { } variable)
        {
            var port = replica.Snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == variable)?.Value;
            return int.TryParse(port, out var p) && p > 0 ? $"127.0.0.1:{p}" : null;
        }

        var url = replica.Snapshot.Urls.FirstOrDefault(u => u.Name == scrape.EndpointName && !u.IsInternal)?.Url;
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Authority : null;
    }
}

/// <summary>The folder the run's targets files are written to.</summary>
/// <param name="Path">The folder.</param>
internal sealed record ReplicaTargetsDirectory(string Path);
