using System.Collections.Concurrent;
using VllmAspire.Provisioner.Stages;

namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>Keeps every stage change an observer receives.</summary>
internal sealed class RecordingObserver : IStageObserver
{
    private readonly ConcurrentQueue<StageStatus> _changes = new();

    public IReadOnlyList<StageStatus> Changes => [.. _changes];

    public void OnStageChanged(StageStatus status) => _changes.Enqueue(status);

    public IReadOnlyList<string> StatesOf(string stage) => [.. _changes.Where(c => c.Name == stage).Select(c => c.State).Distinct()];
}
