namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>Aspire's resource states.</summary>
public static class KnownResourceStates
{
    /// <summary>Declared, not started yet.</summary>
    public const string NotStarted = "NotStarted";

    /// <summary>Waiting for dependencies (<c>WaitFor</c>).</summary>
    public const string Waiting = "Waiting";

    /// <summary>Being started.</summary>
    public const string Starting = "Starting";

    /// <summary>Being built.</summary>
    public const string Building = "Building";

    /// <summary>Running.</summary>
    public const string Running = "Running";

    /// <summary>The runtime it needs (a container engine) does not answer.</summary>
    public const string RuntimeUnhealthy = "RuntimeUnhealthy";

    /// <summary>Being stopped.</summary>
    public const string Stopping = "Stopping";

    /// <summary>The process ended; see the exit code.</summary>
    public const string Exited = "Exited";

    /// <summary>Completed its work (jobs, generators).</summary>
    public const string Finished = "Finished";

    /// <summary>Could not be started; see the message.</summary>
    public const string FailedToStart = "FailedToStart";

    /// <summary>A parameter without a value.</summary>
    public const string ValueMissing = "ValueMissing";

    /// <summary>A parameter or other value resource that is available.</summary>
    public const string Active = "Active";

    /// <summary>States a resource does not leave by itself.</summary>
    public static IReadOnlyList<string> TerminalStates { get; } = [Finished, FailedToStart, Exited, RuntimeUnhealthy];
}
