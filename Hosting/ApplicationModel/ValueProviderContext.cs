namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>Who asks for a deferred value: the execution context, the calling resource and its replica.</summary>
/// <param name="ExecutionContext">Run or publish.</param>
/// <param name="Caller">The resource whose environment or arguments are being resolved, if any.</param>
/// <param name="ReplicaIndex">The caller's replica (0 for single-instance resources).</param>
public sealed record ValueProviderContext(
    DistributedApplicationExecutionContext ExecutionContext,
    IResource? Caller = null,
    int ReplicaIndex = 0);
