using System.Collections.Concurrent;
using System.Diagnostics;

namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>A network endpoint a resource listens on.</summary>
/// <remarks>
/// <see cref="Port"/> is what clients use, <see cref="TargetPort"/> what the process binds. When the endpoint is
/// proxied (the default, as in Aspire) the AppHost listens on <see cref="Port"/> and forwards each connection to a
/// running replica, so replicas each get their own target port behind one stable address.
/// </remarks>
[DebuggerDisplay("Type = {GetType().Name,nq}, Name = {Name}, Port = {Port}, TargetPort = {TargetPort}")]
public sealed class EndpointAnnotation : IResourceAnnotation
{
    /// <summary>Initializes a new endpoint.</summary>
    /// <param name="name">The endpoint name (<c>http</c> by default for HTTP endpoints).</param>
    /// <param name="uriScheme">The URI scheme.</param>
    /// <param name="port">The fixed client port, or <see langword="null"/> for a free port chosen at start.</param>
    /// <param name="targetPort">The fixed port the process binds, or <see langword="null"/> for a free port per replica.</param>
    /// <param name="isProxied">Whether clients reach the process through the AppHost's proxy.</param>
    /// <param name="isExternal">Whether the endpoint is exposed outside the cluster when published.</param>
    /// <param name="env">The name of an environment variable that receives the target port, if any.</param>
    public EndpointAnnotation(string name, string uriScheme = "http", int? port = null, int? targetPort = null,
        bool isProxied = true, bool isExternal = false, string? env = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(uriScheme);
        Name = name;
        UriScheme = uriScheme;
        Port = port;
        TargetPort = targetPort;
        IsProxied = isProxied;
        IsExternal = isExternal;
        Env = env;
    }

    /// <summary>Gets the endpoint name.</summary>
    public string Name { get; }

    /// <summary>Gets the URI scheme.</summary>
    public string UriScheme { get; }

    /// <summary>Gets or sets the fixed client port, if any.</summary>
    public int? Port { get; set; }

    /// <summary>Gets or sets the fixed port the process binds, if any.</summary>
    public int? TargetPort { get; set; }

    /// <summary>Gets or sets whether the endpoint is proxied.</summary>
    public bool IsProxied { get; set; }

    /// <summary>Gets or sets whether the endpoint is exposed externally when published.</summary>
    public bool IsExternal { get; set; }

    /// <summary>Gets or sets the environment variable that receives the target port.</summary>
    public string? Env { get; set; }

    /// <summary>Gets the host the process binds locally.</summary>
    public string TargetHost { get; init; } = "127.0.0.1";

    /// <summary>Gets or sets the address clients use, once allocated at run time.</summary>
    public AllocatedEndpoint? AllocatedEndpoint { get; set; }

    /// <summary>Gets the target port allocated to each replica at run time, by replica index.</summary>
    public ConcurrentDictionary<int, int> ReplicaTargetPorts { get; } = new();
}
