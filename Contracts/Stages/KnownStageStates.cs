namespace VllmAspire.Contracts.Stages;

/// <summary>The states a provisioning stage reports to the dashboard.</summary>
public static class KnownStageStates
{
    /// <summary>Known, not started yet.</summary>
    public const string Pending = "Pending";

    /// <summary>Observing, acting or waiting for a long-running operation.</summary>
    public const string Running = "Running";

    /// <summary>Finished; the real state matches the model.</summary>
    public const string Succeeded = "Succeeded";

    /// <summary>Stopped by a permanent error; the message says what to do.</summary>
    public const string Failed = "Failed";

    /// <summary>Nothing to do: the real state already matched.</summary>
    public const string Skipped = "Skipped";

    /// <summary>Every state, in the order a stage goes through them.</summary>
    public static IReadOnlyList<string> All { get; } = [Pending, Running, Succeeded, Failed, Skipped];

    /// <summary>Whether a stage in <paramref name="state"/> has ended.</summary>
    /// <param name="state">A state from <see cref="All"/>.</param>
    /// <returns>True for succeeded, failed and skipped.</returns>
    public static bool IsTerminal(string state) => state is Succeeded or Failed or Skipped;
}
