using System.Runtime.InteropServices;

namespace VllmAspire.TestService;

/// <summary>
/// A host lifetime that does not stop the application on SIGTERM (unlike the default console lifetime), and a
/// SIGTERM registration that cancels the runtime's default termination, so only SIGKILL ends the process.
/// Tests use it to prove that an orchestrator escalates to SIGKILL.
/// </summary>
internal sealed class SignalIgnoringLifetime : IHostLifetime, IDisposable
{
    private readonly PosixSignalRegistration registration =
        PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => context.Cancel = true);

    /// <inheritdoc />
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose() => registration.Dispose();
}
