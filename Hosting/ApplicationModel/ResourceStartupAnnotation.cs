namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>
/// How a resource that is not a process starts locally (e.g. model weights prepared in a folder): the orchestrator
/// runs the callback instead of a process; the resource is Running and Healthy when it completes, FailedToStart
/// with the exception's message when it throws.
/// </summary>
/// <param name="StartAsync">The start callback.</param>
public sealed record ResourceStartupAnnotation(Func<ResourceStartupContext, Task> StartAsync) : IResourceAnnotation;
