using System.Text.Json.Nodes;

namespace VllmAspire.Testing.Fakes.Kubernetes;

/// <summary>The <c>metav1.Status</c> bodies the API server answers errors with.</summary>
public static class KubernetesStatus
{
    /// <summary>Builds a failure Status.</summary>
    /// <param name="code">HTTP status code.</param>
    /// <param name="reason">StatusReason, e.g. <c>NotFound</c>, <c>Invalid</c>, <c>Conflict</c>, <c>Forbidden</c>.</param>
    /// <param name="message">The message.</param>
    /// <param name="type">The resource type concerned, if any.</param>
    /// <param name="name">The object's name, if any.</param>
    /// <param name="causes">Field causes (for 422 Invalid).</param>
    /// <returns>The Status object.</returns>
    public static JsonObject Failure(int code, string reason, string message, FakeResourceType? type = null, string? name = null, IEnumerable<(string Reason, string Message, string Field)>? causes = null)
    {
        var details = new JsonObject();
        if (name is not null)
        {
            details["name"] = name;
        }

        if (type is not null)
        {
            details["group"] = type.Group;
            details["kind"] = type.Plural;
        }

        if (causes is not null)
        {
            details["causes"] = new JsonArray([.. causes.Select(c => (JsonNode)new JsonObject { ["reason"] = c.Reason, ["message"] = c.Message, ["field"] = c.Field })]);
        }

        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        };
        if (details.Count > 0)
        {
            status["details"] = details;
        }

        return status;
    }

    /// <summary>Builds the 404 for a missing object, e.g. <c>deployments.apps "vllm" not found</c>.</summary>
    /// <param name="type">The type.</param>
    /// <param name="name">The name.</param>
    /// <returns>The Status object.</returns>
    public static JsonObject NotFound(FakeResourceType type, string name) =>
        Failure(404, "NotFound", $"{type.QualifiedPlural} \"{name}\" not found", type, name);

    /// <summary>Builds the 422 for an invalid object, e.g. <c>Deployment.apps "vllm" is invalid: spec.selector: Required value</c>.</summary>
    /// <param name="type">The type.</param>
    /// <param name="name">The name.</param>
    /// <param name="causes">The field errors.</param>
    /// <returns>The Status object.</returns>
    public static JsonObject Invalid(FakeResourceType type, string name, IReadOnlyList<(string Reason, string Message, string Field)> causes) =>
        Failure(
            422,
            "Invalid",
            $"{type.Kind}{(type.Group.Length == 0 ? "" : "." + type.Group)} \"{name}\" is invalid: {string.Join(", ", causes.Select(c => $"{c.Field}: {c.Message}"))}",
            type,
            name,
            causes);

    /// <summary>Builds a success Status (what DELETE answers).</summary>
    /// <param name="type">The type.</param>
    /// <param name="name">The name.</param>
    /// <param name="uid">The deleted object's UID.</param>
    /// <returns>The Status object.</returns>
    public static JsonObject Success(FakeResourceType type, string name, string? uid) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Success",
        ["details"] = new JsonObject { ["name"] = name, ["group"] = type.Group, ["kind"] = type.Plural, ["uid"] = uid },
    };
}
