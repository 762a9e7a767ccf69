namespace VllmAspire.Provisioner.Kubernetes.Tests;

/// <summary>
/// A clock that stands still until <see cref="StartWhen"/>'s condition holds, then runs on from where it stood: a
/// timeout measured on it only starts to run out once the condition holds, however long a busy machine takes to get
/// there. It stands still at most <paramref name="limit"/>, so a condition that never holds fails the test rather than
/// hanging it. Timers and delays run on the system's clock.
/// </summary>
/// <param name="limit">The longest it stands still.</param>
internal sealed class HeldClock(TimeSpan limit) : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly DateTimeOffset _heldAt = TimeProvider.System.GetUtcNow();
    private Func<bool> _condition = () => false;
    private TimeSpan? _behind;

    /// <summary>Sets the condition that starts the clock.</summary>
    /// <param name="condition">Checked on every reading until it holds.</param>
    public void StartWhen(Func<bool> condition)
    {
        lock (_lock)
        {
            _condition = condition;
        }
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            var now = TimeProvider.System.GetUtcNow();
            if (_behind is null && (now - _heldAt >= limit || _condition()))
            {
                _behind = now - _heldAt;
            }

            return _behind is { } behind ? now - behind : _heldAt;
        }
    }
}
