namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>Adds environment variables when a resource starts (run) or is published.</summary>
/// <param name="Callback">The callback.</param>
public sealed record EnvironmentCallbackAnnotation(Func<EnvironmentCallbackContext, Task> Callback) : IResourceAnnotation;
