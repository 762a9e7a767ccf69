using System.Text.Json.Nodes;

namespace VllmAspire.Testing.Fakes.Gcp;

/// <summary>Google's error envelopes (reference/gcp.md §1.3, §2.2, §4).</summary>
public static class GoogleErrorBodies
{
    /// <summary>Compute's envelope: <c>{"error":{"code","message","errors":[{"message","domain","reason"}]}}</c>.</summary>
    /// <param name="code">The HTTP status.</param>
    /// <param name="reason">The reason, e.g. <c>alreadyExists</c>, <c>notFound</c>, <c>resourceInUseByAnotherResource</c>.</param>
    /// <param name="message">The message.</param>
    /// <returns>The result.</returns>
    public static FakeResult Compute(int code, string reason, string message) => new(code, new JsonObject
    {
        ["error"] = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["errors"] = new JsonArray(new JsonObject { ["message"] = message, ["domain"] = "global", ["reason"] = reason }),
        },
    });

    /// <summary>The google.rpc envelope of Container and Resource Manager: <c>{"error":{"code","message","status","details"}}</c>.</summary>
    /// <param name="code">The HTTP status.</param>
    /// <param name="status">The canonical status, e.g. <c>FAILED_PRECONDITION</c>.</param>
    /// <param name="message">The message.</param>
    /// <param name="reason">An ErrorInfo reason, e.g. <c>CLUSTER_ALREADY_HAS_OPERATION</c>, or <see langword="null"/>.</param>
    /// <param name="domain">The ErrorInfo domain.</param>
    /// <returns>The result.</returns>
    public static FakeResult Rpc(int code, string status, string message, string? reason = null, string domain = "googleapis.com")
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message, ["status"] = status };
        if (reason is not null)
        {
            error["details"] = new JsonArray(new JsonObject
            {
                ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo",
                ["reason"] = reason,
                ["domain"] = domain,
            });
        }

        return new(code, new JsonObject { ["error"] = error });
    }

    /// <summary>The answer to a request the discovery document rejects.</summary>
    /// <param name="problems">What is wrong.</param>
    /// <returns>The result.</returns>
    public static FakeResult Invalid(IReadOnlyList<string> problems) => new(400, new JsonObject
    {
        ["error"] = new JsonObject
        {
            ["code"] = 400,
            ["message"] = "Invalid JSON payload received. " + string.Join(" ", problems),
            ["status"] = "INVALID_ARGUMENT",
            ["errors"] = new JsonArray(new JsonObject { ["message"] = string.Join(" ", problems), ["domain"] = "global", ["reason"] = "invalid" }),
        },
    });
}
