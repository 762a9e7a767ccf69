namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>One look at an object a wait is watching: done, or not yet and why.</summary>
/// <param name="IsDone">Whether the wait is over.</param>
/// <param name="Note">What is still outstanding, shown as progress.</param>
internal sealed record WaitVerdict(bool IsDone, string? Note)
{
    /// <summary>Gets the verdict that ends a wait.</summary>
    public static WaitVerdict Done { get; } = new(true, null);

    /// <summary>A verdict that keeps waiting.</summary>
    /// <param name="note">What is outstanding.</param>
    /// <returns>The verdict.</returns>
    public static WaitVerdict Pending(string note) => new(false, note);
}
