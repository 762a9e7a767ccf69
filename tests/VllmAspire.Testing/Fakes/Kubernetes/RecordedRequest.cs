namespace VllmAspire.Testing.Fakes.Kubernetes;

/// <summary>A request the fake received.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Path.</param>
/// <param name="Query">Query string (with the leading <c>?</c>), or empty.</param>
/// <param name="ContentType">The request's content type, if any.</param>
/// <param name="Body">The body, if any.</param>
/// <param name="StatusCode">What the fake answered.</param>
public sealed record RecordedRequest(string Method, string Path, string Query, string? ContentType, string? Body, int StatusCode)
{
    /// <summary>Gets whether the request asks to change state (create, apply, update, delete), dry runs excluded.</summary>
    public bool IsWrite => Method is "POST" or "PUT" or "PATCH" or "DELETE" && !Query.Contains("dryRun=All", StringComparison.Ordinal);
}
