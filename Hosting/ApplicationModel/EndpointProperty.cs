namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>The parts of an endpoint a deferred value can refer to.</summary>
public enum EndpointProperty
{
    /// <summary>The full URL clients use, e.g. <c>http://127.0.0.1:5123</c>.</summary>
    Url,

    /// <summary>The host clients use.</summary>
    Host,

    /// <summary>The port clients use.</summary>
    Port,

    /// <summary>The URI scheme.</summary>
    Scheme,

    /// <summary>The port the process itself listens on (differs per replica locally).</summary>
    TargetPort,

    /// <summary>Host and port, e.g. <c>127.0.0.1:5123</c>.</summary>
    HostAndPort,
}
