namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>The address an endpoint got at run time.</summary>
/// <param name="UriScheme">The scheme, e.g. <c>http</c>.</param>
/// <param name="Address">The host clients connect to.</param>
/// <param name="Port">The port clients connect to.</param>
public sealed record AllocatedEndpoint(string UriScheme, string Address, int Port)
{
    /// <summary>Gets the endpoint as a URL.</summary>
    public string UriString => $"{UriScheme}://{Address}:{Port}";

    /// <summary>Gets host and port.</summary>
    public string HostAndPort => $"{Address}:{Port}";
}
