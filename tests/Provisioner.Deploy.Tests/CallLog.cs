using System.Collections.Concurrent;

namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>Records stage calls in the order they happened (a global sequence number, not wall-clock time).</summary>
internal sealed class CallLog
{
    private readonly ConcurrentQueue<Call> _calls = new();
    private long _sequence;

    public IReadOnlyList<Call> Calls => [.. _calls.OrderBy(c => c.Sequence)];

    public void Add(string stage, string what) =>
        _calls.Enqueue(new Call(Interlocked.Increment(ref _sequence), stage, what, DateTimeOffset.UtcNow));

    public long SequenceOf(string stage, string what) =>
        Calls.SingleOrDefault(c => c.Stage == stage && c.What == what)?.Sequence
        ?? throw new InvalidOperationException($"No '{what}' call of stage '{stage}'; calls: {string.Join(", ", Calls.Select(c => $"{c.Stage}:{c.What}"))}");

    public IReadOnlyList<string> StagesThatDid(string what) => [.. Calls.Where(c => c.What == what).Select(c => c.Stage)];

    public sealed record Call(long Sequence, string Stage, string What, DateTimeOffset At);
}
