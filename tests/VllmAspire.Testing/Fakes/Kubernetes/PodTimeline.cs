namespace VllmAspire.Testing.Fakes.Kubernetes;

/// <summary>Where a fake pod is in its start-up: when each step happened.</summary>
/// <param name="Created">When the pod was created.</param>
internal sealed class PodTimeline(DateTimeOffset created)
{
    /// <summary>Gets when the pod was created.</summary>
    public DateTimeOffset Created { get; } = created;

    /// <summary>Gets or sets a value indicating whether the cluster autoscaler was asked for a node for it.</summary>
    public bool ScaleUpRequested { get; set; }

    /// <summary>Gets or sets when it was scheduled.</summary>
    public DateTimeOffset? Scheduled { get; set; }

    /// <summary>Gets or sets a value indicating whether scheduling failed (no node fits).</summary>
    public bool Unschedulable { get; set; }

    /// <summary>Gets or sets a value indicating whether an init container could not start, so the pod's containers wait.</summary>
    public bool InitBlocked { get; set; }

    /// <summary>Gets or sets when the image pull started.</summary>
    public DateTimeOffset? PullStarted { get; set; }

    /// <summary>Gets or sets when the image was available.</summary>
    public DateTimeOffset? Pulled { get; set; }

    /// <summary>Gets or sets a value indicating whether the pull failed.</summary>
    public bool PullFailed { get; set; }

    /// <summary>Gets or sets when the container started.</summary>
    public DateTimeOffset? Started { get; set; }

    /// <summary>Gets or sets when the pod became ready.</summary>
    public DateTimeOffset? Ready { get; set; }
}
