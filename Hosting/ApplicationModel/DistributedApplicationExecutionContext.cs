namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>What the AppHost is doing: running the model locally, or publishing it.</summary>
/// <param name="Operation">The operation.</param>
public sealed record DistributedApplicationExecutionContext(DistributedApplicationOperation Operation)
{
    /// <summary>Gets whether the model runs locally.</summary>
    public bool IsRunMode => Operation == DistributedApplicationOperation.Run;

    /// <summary>Gets whether the model is published (manifests, plans, deploys).</summary>
    public bool IsPublishMode => Operation == DistributedApplicationOperation.Publish;
}
