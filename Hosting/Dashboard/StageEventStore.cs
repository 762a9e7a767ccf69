using System.Runtime.CompilerServices;
using System.Threading.Channels;
using VllmAspire.Contracts.Stages;

namespace VllmAspire.Hosting.Dashboard;

/// <summary>
/// Keeps, in memory, the provisioning stages reported to the dashboard and streams their changes. Bounded: at most
/// <see cref="MaxStages"/> stages and <see cref="MaxObjectsPerStage"/> objects each.
/// </summary>
/// <param name="timeProvider">The clock for defaulted start and end times.</param>
public sealed class StageEventStore(TimeProvider timeProvider)
{
    /// <summary>The most stages kept; the oldest-updated is dropped to make room.</summary>
    public const int MaxStages = 500;

    /// <summary>The most objects kept per stage.</summary>
    public const int MaxObjectsPerStage = 200;

    /// <summary>The longest stage name accepted.</summary>
    public const int MaxNameLength = 128;

    /// <summary>The longest message kept; longer ones are cut.</summary>
    public const int MaxMessageLength = 4096;

    private readonly Dictionary<string, StageSnapshot> _stages = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly List<Channel<StageSnapshot>> _watchers = [];
    private readonly Lock _lock = new();

    /// <summary>Checks an event before it is recorded.</summary>
    /// <param name="stageEvent">The event.</param>
    /// <returns>Null when valid, else what is wrong and how to fix it.</returns>
    public static string? Validate(StageEvent? stageEvent)
    {
        if (stageEvent is null)
        {
            return "The body is empty; send a JSON object {\"name\", \"state\", \"start\", \"end\", \"message\", \"objects\"}.";
        }

        if (string.IsNullOrWhiteSpace(stageEvent.Name) || stageEvent.Name.Length > MaxNameLength || stageEvent.Name.Any(char.IsControl))
        {
            return $"'name' must be a stage name of 1 to {MaxNameLength} printable characters, e.g. \"node-pool\".";
        }

        if (!KnownStageStates.All.Contains(stageEvent.State))
        {
            return $"'state' of stage '{stageEvent.Name}' is '{stageEvent.State}'; use one of {string.Join(", ", KnownStageStates.All)}.";
        }

        if (stageEvent is { Start: { } start, End: { } end } && end < start)
        {
            return $"'end' ({end:O}) of stage '{stageEvent.Name}' is before its 'start' ({start:O}).";
        }

        if (stageEvent.Objects is { } objects && (objects.Count > MaxObjectsPerStage || objects.Any(string.IsNullOrWhiteSpace)))
        {
            return $"'objects' of stage '{stageEvent.Name}' must be at most {MaxObjectsPerStage} non-empty names.";
        }

        return null;
    }

    /// <summary>Records an event and notifies watchers.</summary>
    /// <param name="stageEvent">The event; see <see cref="Validate"/>.</param>
    /// <returns>The stage as it is now.</returns>
    /// <exception cref="ArgumentException">The event is not valid; the message says why.</exception>
    public StageSnapshot Add(StageEvent stageEvent)
    {
        if (Validate(stageEvent) is { } error)
        {
            throw new ArgumentException(error, nameof(stageEvent));
        }

        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            _stages.TryGetValue(stageEvent.Name, out var previous);
            var start = stageEvent.Start ?? previous?.Start ?? (stageEvent.State == KnownStageStates.Pending ? null : now);
            // A stage that runs again (e.g. a retry after a failure) is no longer ended.
            DateTimeOffset? end = KnownStageStates.IsTerminal(stageEvent.State) ? stageEvent.End ?? previous?.End ?? now : null;
            var objects = (previous?.Objects ?? []).Concat(stageEvent.Objects ?? []).Distinct(StringComparer.Ordinal).Take(MaxObjectsPerStage).ToArray();
            var message = stageEvent.Message is { Length: > MaxMessageLength } m ? m[..MaxMessageLength] : stageEvent.Message;
            var snapshot = new StageSnapshot(stageEvent.Name, stageEvent.State, start, end, message ?? previous?.Message, objects, now, (previous?.Events ?? 0) + 1);

            if (previous is null)
            {
                if (_order.Count == MaxStages)
                {
                    var oldest = _order.MinBy(n => _stages[n].Updated)!;
                    _order.Remove(oldest);
                    _stages.Remove(oldest);
                }

                _order.Add(stageEvent.Name);
            }

            _stages[stageEvent.Name] = snapshot;
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(snapshot);
            }

            return snapshot;
        }
    }

    /// <summary>Gets every stage, in the order first reported.</summary>
    /// <returns>The stages.</returns>
    public IReadOnlyList<StageSnapshot> GetStages()
    {
        lock (_lock)
        {
            return [.. _order.Select(n => _stages[n])];
        }
    }

    /// <summary>Streams every stage as it is now and then each change, until cancelled.</summary>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The stage snapshots.</returns>
    public async IAsyncEnumerable<StageSnapshot> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Bounded so a stalled watcher cannot grow memory; it keeps the newest changes.
        var channel = Channel.CreateBounded<StageSnapshot>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
        IReadOnlyList<StageSnapshot> current;
        lock (_lock)
        {
            current = [.. _order.Select(n => _stages[n])];
            _watchers.Add(channel);
        }

        try
        {
            foreach (var stage in current)
            {
                yield return stage;
            }

            await foreach (var stage in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return stage;
            }
        }
        finally
        {
            lock (_lock)
            {
                _watchers.Remove(channel);
            }
        }
    }
}
