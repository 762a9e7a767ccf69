using System.Collections.Immutable;

namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>An immutable view of a resource's state, published on every change (Aspire's shape).</summary>
public sealed record CustomResourceSnapshot
{
    /// <summary>Gets the resource type shown to users, e.g. <c>Project</c>, <c>Executable</c>, <c>Vllm</c>.</summary>
    public required string ResourceType { get; init; }

    /// <summary>Gets the state (see <see cref="KnownResourceStates"/>).</summary>
    public string State { get; init; } = KnownResourceStates.NotStarted;

    /// <summary>Gets the aggregated health: healthy when every running replica is healthy; null before running.</summary>
    public ResourceHealthStatus? HealthStatus { get; init; }

    /// <summary>Gets a message that explains the state, such as why the resource cannot run and how to fix it.</summary>
    public string? StateMessage { get; init; }

    /// <summary>Gets when the resource was started.</summary>
    public DateTimeOffset? StartTimeStamp { get; init; }

    /// <summary>Gets when the resource stopped.</summary>
    public DateTimeOffset? StopTimeStamp { get; init; }

    /// <summary>Gets the exit code of the last replica that exited, if any.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Gets the endpoints clients use: name and URL.</summary>
    public ImmutableArray<ResourceUrlSnapshot> Urls { get; init; } = [];

    /// <summary>Gets the replicas.</summary>
    public ImmutableArray<ReplicaSnapshot> Replicas { get; init; } = [];

    /// <summary>Gets the environment of the first replica, with secret values masked.</summary>
    public ImmutableDictionary<string, string> EnvironmentVariables { get; init; } = ImmutableDictionary<string, string>.Empty;
}
