using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace VllmAspire.Contracts.Plan;

/// <summary>
/// Writes and reads the typed GCP request bodies of the plan (namespaces <c>Compute</c>, <c>Container</c> and
/// <c>ResourceManager</c>) exactly as the REST APIs take them: camelCase field names, no explicit nulls (the
/// APIs reject them), int64 fields as JSON strings.
/// </summary>
public static class GcpRequestJson
{
    /// <summary>Gets the serializer options of the request bodies.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Writes a typed request as the body of a plan step.</summary>
    /// <typeparam name="T">The request type.</typeparam>
    /// <param name="request">The request.</param>
    /// <returns>A fresh JSON object.</returns>
    public static JsonObject ToBody<T>(T request)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        return JsonSerializer.SerializeToNode(request, Options)!.AsObject();
    }

    /// <summary>Reads a plan step's body as a typed request.</summary>
    /// <typeparam name="T">The request type.</typeparam>
    /// <param name="body">The body.</param>
    /// <param name="stepId">The step, for the error message.</param>
    /// <returns>The request.</returns>
    /// <exception cref="InvalidOperationException">The body does not read as <typeparamref name="T"/>.</exception>
    public static T FromBody<T>(JsonObject body, string stepId)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return body.Deserialize<T>(Options) ?? throw new JsonException("the body is null");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"Plan step '{stepId}' has a body that is not a {typeof(T).Name} request ({e.Message}); republish the plan.", e);
        }
    }
}
