using System.Text.Json.Nodes;

namespace VllmAspire.Testing.Fakes.Gcp;

/// <summary>A request a fake Google API received.</summary>
/// <param name="MethodId">The discovery method ID, e.g. <c>compute.disks.insert</c> (empty if no method matched).</param>
/// <param name="HttpMethod">The HTTP method.</param>
/// <param name="Url">The URL as the real API would have seen it (real base URL, path and query).</param>
/// <param name="Body">The JSON body, if any.</param>
/// <param name="Problems">What the discovery document says is wrong with the request; empty when valid.</param>
public sealed record FakeGcpRequest(string MethodId, string HttpMethod, string Url, JsonNode? Body, IReadOnlyList<string> Problems)
{
    /// <summary>Gets or sets the status code the fake answered.</summary>
    public int StatusCode { get; set; }

    /// <summary>Gets or sets a value indicating whether the answer was an injected transient fault.</summary>
    public bool InjectedFault { get; set; }

    /// <summary>Gets a value indicating whether the method changes state (insert, delete, create, setIamPolicy).</summary>
    public bool IsWrite => MethodId.EndsWith(".insert", StringComparison.Ordinal) || MethodId.EndsWith(".delete", StringComparison.Ordinal) ||
        MethodId.EndsWith(".create", StringComparison.Ordinal) || MethodId.EndsWith(".setIamPolicy", StringComparison.Ordinal);
}
