namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>Adds command-line arguments when a resource starts (run) or is published.</summary>
/// <param name="Callback">The callback.</param>
public sealed record CommandLineArgsCallbackAnnotation(Func<CommandLineArgsCallbackContext, Task> Callback) : IResourceAnnotation;
