namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>What an environment callback fills in: variables whose values are strings or deferred values.</summary>
/// <param name="ExecutionContext">Run or publish.</param>
/// <param name="Resource">The resource whose environment is built.</param>
/// <param name="EnvironmentVariables">The variables; values are <see cref="string"/> or <see cref="IValueProvider"/>.</param>
/// <param name="CancellationToken">Cancels the callback.</param>
public sealed record EnvironmentCallbackContext(
    DistributedApplicationExecutionContext ExecutionContext,
    IResource Resource,
    IDictionary<string, object> EnvironmentVariables,
    CancellationToken CancellationToken = default);
