namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>The health of a running resource.</summary>
public enum ResourceHealthStatus
{
    /// <summary>Every health check passes.</summary>
    Healthy,

    /// <summary>At least one health check fails.</summary>
    Unhealthy,
}
