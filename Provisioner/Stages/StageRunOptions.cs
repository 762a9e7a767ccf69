namespace VllmAspire.Provisioner.Stages;

/// <summary>What one run of the stage graph is asked to do.</summary>
internal sealed record StageRunOptions
{
    /// <summary>Gets the direction: reconcile in deploy order, or destroy in reverse.</summary>
    public required StageRunMode Mode { get; init; }

    /// <summary>Gets a value indicating whether stages only report what they would change.</summary>
    public bool DryRun { get; init; }

    /// <summary>Gets the labels every object we create carries.</summary>
    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    /// <summary>Gets the services the stages use.</summary>
    public required IServiceProvider Services { get; init; }

    /// <summary>Gets where the run deploys, for its trace; <see langword="null"/> when the stages are not a published app's.</summary>
    public RunTarget? Target { get; init; }
}
