namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>The resource is healthy when an HTTP GET of <paramref name="Path"/> on its endpoint answers <paramref name="StatusCode"/>.</summary>
/// <param name="Path">The path, e.g. <c>/health</c>.</param>
/// <param name="StatusCode">The expected status code.</param>
/// <param name="EndpointName">The endpoint to probe.</param>
public sealed record HttpHealthCheckAnnotation(string Path, int StatusCode, string EndpointName) : IResourceAnnotation
{
    /// <summary>Gets what to send as the <c>Authorization</c> header, for a resource whose health path needs credentials; read at each probe.</summary>
    public Func<System.Net.Http.Headers.AuthenticationHeaderValue?>? Authorization { get; init; }
}
