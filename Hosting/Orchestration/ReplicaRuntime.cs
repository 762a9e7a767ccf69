using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Orchestration;

/// <summary>The live state of one replica: its process, state and health.</summary>
internal sealed class ReplicaRuntime(int index, string name)
{
    public int Index { get; } = index;

    public string Name { get; } = name;

    public ChildProcess? Process { get; set; }

    public string State { get; set; } = KnownResourceStates.NotStarted;

    public int? ExitCode { get; set; }

    public ResourceHealthStatus? Health { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public string? Url { get; set; }

    /// <summary>Set while the orchestrator itself stops the replica, so its exit is not reported as a crash.</summary>
    public bool StopRequested { get; set; }

    public CancellationTokenSource? Monitoring { get; set; }

    public ReplicaSnapshot ToSnapshot() => new(Name, Index, State)
    {
        ProcessId = Process is not null && State == KnownResourceStates.Running ? Process.Id : null,
        ExitCode = ExitCode,
        Health = Health,
        Url = Url,
        StartedAt = StartedAt,
    };
}
