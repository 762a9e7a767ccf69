namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>What a dependent resource waits for.</summary>
public enum WaitType
{
    /// <summary>The dependency is running and every health check passes.</summary>
    WaitUntilHealthy,

    /// <summary>The dependency is running.</summary>
    WaitUntilStarted,

    /// <summary>The dependency has exited successfully.</summary>
    WaitForCompletion,
}
