using System.Globalization;
using System.Text.RegularExpressions;
using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Dashboard;

/// <summary>
/// Follows every start of every vLLM replica from the AppHost's start: the process start and readiness from the
/// orchestrator's replica states, the weight load from vLLM's own log lines (V1 <c>Loading weights took N seconds</c> and
/// <c>Model loading took N GiB and N seconds</c>, V0 <c>Loading model weights took N GB</c>), which the simulator
/// writes exactly as vLLM does. Feeds the dashboard's start-up page and <c>GET /api/startup</c>.
/// </summary>
internal sealed partial class StartupTimeline(DistributedApplicationModel model, ResourceNotificationService notifications, ResourceLoggerService logs, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly List<Start> _starts = [];
    private readonly List<Mark> _marks = [];

    /// <summary>Raised after anything the timeline shows changed.</summary>
    public event Action? Changed;

    /// <summary>Starts following the model's vLLM resources until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Stops following.</param>
    /// <returns>The task that follows (never faults).</returns>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        var vllm = model.Resources.OfType<VllmResource>().Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        if (vllm.Count == 0)
        {
            return Task.CompletedTask;
        }

        return Task.WhenAll([WatchStatesAsync(vllm, cancellationToken), .. vllm.Select(name => WatchLogsAsync(name, cancellationToken))]);
    }

    /// <summary>Gets every start seen, newest first.</summary>
    /// <returns>The starts with their phases.</returns>
    public IReadOnlyList<StartupDto> GetStartups()
    {
        lock (_gate)
        {
            return [.. _starts.OrderByDescending(s => s.StartedAt).ThenBy(s => s.Replica, StringComparer.Ordinal).Select(ToDto)];
        }
    }

    private async Task WatchStatesAsync(HashSet<string> vllm, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var e in notifications.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                if (vllm.Contains(e.Resource.Name) && Observe(e.Resource.Name, e.Snapshot.Replicas))
                {
                    Changed?.Invoke();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task WatchLogsAsync(string resource, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var line in logs.WatchAsync(resource, cancellationToken).ConfigureAwait(false))
            {
                if (Parse(line) is { } mark)
                {
                    lock (_gate)
                    {
                        _marks.Add(mark);
                    }

                    Changed?.Invoke();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private bool Observe(string resource, IReadOnlyList<ReplicaSnapshot> replicas)
    {
        var changed = false;
        var now = time.GetUtcNow();
        lock (_gate)
        {
            foreach (var replica in replicas)
            {
                if (replica.StartedAt is not { } startedAt)
                {
                    continue;
                }

                var start = _starts.Find(s => s.Replica == replica.Name && s.StartedAt == startedAt);
                if (start is null)
                {
                    start = new Start(resource, replica.Name, startedAt) { ProcessId = replica.ProcessId };
                    _starts.Add(start);
                    changed = true;
                }

                if (start.State != replica.State)
                {
                    start.State = replica.State;
                    changed = true;
                }

                if (start.ReadyAt is null && replica.State == KnownResourceStates.Running && replica.Health == ResourceHealthStatus.Healthy)
                {
                    start.ReadyAt = now;
                    changed = true;
                }
            }
        }

        return changed;
    }

    private StartupDto ToDto(Start start)
    {
        // The log lines of this start: the replica's, written after this process started and before its next start.
        var next = _starts.Where(s => s.Replica == start.Replica && s.StartedAt > start.StartedAt).Select(s => (DateTimeOffset?)s.StartedAt).Min();
        var marks = _marks.Where(m => m.Replica == start.Replica && m.At >= start.StartedAt && (next is null || m.At < next)).ToList();
        var weights = marks.LastOrDefault(m => m.WeightSeconds is not null);
        var size = marks.LastOrDefault(m => m.GiB is not null);
        var loadedAt = weights?.At ?? size?.At;
        double? engine = weights is { WeightSeconds: { } seconds } ? Math.Max(0, (weights.At - start.StartedAt).TotalSeconds - seconds) : null;
        return new StartupDto(
            start.Resource,
            start.Replica,
            start.ProcessId,
            next is null ? start.State : "Replaced",
            start.StartedAt,
            engine,
            weights?.WeightSeconds,
            size?.GiB,
            loadedAt,
            start.ReadyAt,
            start.ReadyAt is { } ready ? (ready - start.StartedAt).TotalSeconds : null);
    }

    private static Mark? Parse(LogLine line)
    {
        if (V1WeightsLine().Match(line.Text) is { Success: true } weights)
        {
            return new Mark(line.Source, line.Timestamp, Number(weights.Groups[1].Value), null);
        }

        if (V1ModelLine().Match(line.Text) is { Success: true } model)
        {
            return new Mark(line.Source, line.Timestamp, null, Number(model.Groups[1].Value));
        }

        if (V0WeightsLine().Match(line.Text) is { Success: true } v0)
        {
            // vLLM's "GB" here is bytes / 2^30, as V1's "GiB".
            return new Mark(line.Source, line.Timestamp, null, Number(v0.Groups[1].Value));
        }

        return null;
    }

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\] Loading weights took (\d+(?:\.\d+)?) seconds")]
    private static partial Regex V1WeightsLine();

    [GeneratedRegex(@"\] Model loading took (\d+(?:\.\d+)?) GiB and (\d+(?:\.\d+)?) seconds")]
    private static partial Regex V1ModelLine();

    [GeneratedRegex(@"\] Loading model weights took (\d+(?:\.\d+)?) GB")]
    private static partial Regex V0WeightsLine();

    /// <summary>One start of one replica.</summary>
    private sealed class Start(string resource, string replica, DateTimeOffset startedAt)
    {
        public string Resource { get; } = resource;

        public string Replica { get; } = replica;

        public DateTimeOffset StartedAt { get; } = startedAt;

        public int? ProcessId { get; init; }

        public string State { get; set; } = KnownResourceStates.Starting;

        public DateTimeOffset? ReadyAt { get; set; }
    }

    /// <summary>A start-up line of vLLM's log: the weight load's duration or the weights' size.</summary>
    private sealed record Mark(string Replica, DateTimeOffset At, double? WeightSeconds, double? GiB);
}
