using System.Text.RegularExpressions;

namespace VllmAspire.Testing.Fakes.Gcp;

/// <summary>One method of a fake API: its HTTP verb, path pattern (relative to the API's base URL) and handler.</summary>
/// <param name="HttpMethod">The HTTP method.</param>
/// <param name="Pattern">The path pattern with named groups.</param>
/// <param name="MethodId">The discovery method ID.</param>
/// <param name="Handler">Answers the call.</param>
public sealed record FakeApiRoute(string HttpMethod, Regex Pattern, string MethodId, Func<FakeCall, CancellationToken, Task<FakeResult>> Handler);
