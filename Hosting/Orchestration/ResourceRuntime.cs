using System.Collections.Immutable;
using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Orchestration;

/// <summary>The live state of one resource: its phase, replicas and the lock that serialises start, stop and restart.</summary>
internal sealed class ResourceRuntime(IResource resource)
{
    public IResource Resource { get; } = resource;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public List<ReplicaRuntime> Replicas { get; } = [];

    /// <summary>The resource-level phase; while Running, the visible state is derived from the replicas.</summary>
    public string Phase { get; set; } = KnownResourceStates.NotStarted;

    public string? Message { get; set; }

    public bool ReadyPublished { get; set; }

    public CancellationTokenSource? Lifetime { get; set; }

    public Task Lifecycle { get; set; } = Task.CompletedTask;

    /// <summary>Starts a replica's process; kept from the last start so scaling can add replicas.</summary>
    public Func<LaunchSpec, ValueProviderContext, CancellationToken, Task<LaunchSpec>>? Launcher { get; set; }

    public ImmutableDictionary<string, string> DisplayEnvironment { get; set; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Gets the visible state: the phase, or while running, what the replicas say.</summary>
    public string State
    {
        get
        {
            if (Phase != KnownResourceStates.Running || Replicas.Count == 0)
            {
                return Phase;
            }

            if (Replicas.Any(r => r.State == KnownResourceStates.Running))
            {
                return KnownResourceStates.Running;
            }

            return Replicas.All(r => r.State == KnownResourceStates.Exited) ? KnownResourceStates.Exited : Phase;
        }
    }

    /// <summary>Gets the health: healthy only when every replica runs and is healthy.</summary>
    public ResourceHealthStatus? Health
    {
        get
        {
            if (State != KnownResourceStates.Running)
            {
                return null;
            }

            if (Replicas.Count == 0)
            {
                return ResourceHealthStatus.Healthy; // Started without a process (e.g. weights prepared in a folder).
            }

            var counted = Replicas.Where(r => r.CountsForHealth).ToList();
            return counted.Count > 0 && counted.All(r => r.State == KnownResourceStates.Running && r.Health == ResourceHealthStatus.Healthy)
                ? ResourceHealthStatus.Healthy
                : ResourceHealthStatus.Unhealthy;
        }
    }

    /// <summary>Gets the exit code of the replica that exited last.</summary>
    public int? ExitCode => Replicas.Where(r => r.ExitCode is not null).Select(r => r.ExitCode).LastOrDefault();
}
