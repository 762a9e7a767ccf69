using System.Text.Json.Nodes;

namespace VllmAspire.Testing.Fakes.Gcp;

/// <summary>A fake API's answer.</summary>
/// <param name="StatusCode">The HTTP status.</param>
/// <param name="Body">The JSON body.</param>
public sealed record FakeResult(int StatusCode, JsonNode Body)
{
    /// <summary>A 200 answer.</summary>
    /// <param name="body">The body.</param>
    /// <returns>The result.</returns>
    public static FakeResult Ok(JsonNode body) => new(200, body);
}
