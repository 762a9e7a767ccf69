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

    /// <summary>
    /// Whether the replica counts towards the resource's health. Replicas added by scaling count only once they
    /// have been healthy, so a scale-out does not make a serving resource look unhealthy while new pods load.
    /// </summary>
    public bool CountsForHealth { get; set; } = true;

    public ReplicaSnapshot ToSnapshot() => new(Name, Index, State)
    {
        ProcessId = Process is not null && State == KnownResourceStates.Running ? Process.Id : null,
        ExitCode = ExitCode,
        Health = Health,
        Url = Url,
        StartedAt = StartedAt,
    };
}
