namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>The state of one replica (one process) of a resource.</summary>
/// <param name="Name">The replica's name, e.g. <c>vllm-0</c>; this is also its pod name locally.</param>
/// <param name="Index">The replica index.</param>
/// <param name="State">The replica's state (see <see cref="KnownResourceStates"/>).</param>
public sealed record ReplicaSnapshot(string Name, int Index, string State)
{
    /// <summary>Gets the process id, while running.</summary>
    public int? ProcessId { get; init; }

    /// <summary>Gets the exit code, once exited.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Gets the health, while running and checked.</summary>
    public ResourceHealthStatus? Health { get; init; }

    /// <summary>Gets the URL the replica itself listens on (its target port), if it has an endpoint.</summary>
    public string? Url { get; init; }

    /// <summary>Gets when the replica started.</summary>
    public DateTimeOffset? StartedAt { get; init; }
}
