using System.Text.RegularExpressions;
using System.Text.Json.Nodes;

namespace VllmAspire.Testing.Fakes.Gcp;

/// <summary>A request as a fake API's handler sees it.</summary>
/// <param name="Path">The matched path values, e.g. <c>project</c>, <c>zone</c>.</param>
/// <param name="Query">The query parameters.</param>
/// <param name="Body">The JSON body, if any.</param>
/// <param name="RelativePath">The path relative to the API's base URL.</param>
public sealed record FakeCall(GroupCollection Path, IReadOnlyDictionary<string, string> Query, JsonObject? Body, string RelativePath)
{
    /// <summary>Gets a path value.</summary>
    /// <param name="name">The group name.</param>
    /// <returns>The value.</returns>
    public string this[string name] => Path[name].Value;
}
