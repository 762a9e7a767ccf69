namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>What an arguments callback fills in: arguments that are strings or deferred values.</summary>
/// <param name="ExecutionContext">Run or publish.</param>
/// <param name="Resource">The resource whose arguments are built.</param>
/// <param name="Args">The arguments; each is a <see cref="string"/> or an <see cref="IValueProvider"/>.</param>
/// <param name="CancellationToken">Cancels the callback.</param>
public sealed record CommandLineArgsCallbackContext(
    DistributedApplicationExecutionContext ExecutionContext,
    IResource Resource,
    IList<object> Args,
    CancellationToken CancellationToken = default);
