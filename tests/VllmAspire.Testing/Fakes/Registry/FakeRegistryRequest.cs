namespace VllmAspire.Testing.Fakes.Registry;

/// <summary>A request the fake registry received, and its answer.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="PathAndQuery">The path and query, e.g. <c>/v2/app/blobs/uploads/</c>.</param>
/// <param name="Authorization">The scheme of the <c>Authorization</c> header (<c>Basic</c>, <c>Bearer</c>), or empty when none was sent; never the credentials.</param>
public sealed record FakeRegistryRequest(string Method, string PathAndQuery, string Authorization)
{
    /// <summary>Gets or sets the status code of the answer.</summary>
    public int StatusCode { get; set; }
}
