using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;

namespace VllmAspire.Testing.Fakes.Kubernetes;

/// <summary>
/// Strict decoding of built-in kinds, as the API server does for server-side apply: the body is decoded into
/// KubernetesClient's model (generated from the official OpenAPI schema) and encoded again; a field that does not survive
/// the round trip is not declared in the schema. Values of the wrong JSON type fail the decoding itself.
/// </summary>
public static class StrictFieldValidator
{
    private static readonly MethodInfo Deserialize = typeof(KubernetesJson).GetMethods()
        .Single(m => m.Name == nameof(KubernetesJson.Deserialize) && m.GetParameters()[0].ParameterType == typeof(string));

    /// <summary>Lists the problems with a body: undeclared fields (<c>.spec.foo: field not declared in schema</c>) or a decoding error.</summary>
    /// <param name="model">The KubernetesClient model type.</param>
    /// <param name="body">The body.</param>
    /// <returns>The problems; empty when the body is valid.</returns>
    public static IReadOnlyList<string> Check(Type model, JsonObject body)
    {
        object? decoded;
        try
        {
            decoded = Deserialize.MakeGenericMethod(model).Invoke(null, [body.ToJsonString(), null]);
        }
        catch (TargetInvocationException e) when (e.InnerException is JsonException or FormatException or InvalidOperationException)
        {
            return [e.InnerException!.Message];
        }

        var roundTrip = JsonNode.Parse(KubernetesJson.Serialize(decoded))!;
        var problems = new List<string>();
        Compare(body, roundTrip, "", problems);
        return problems;
    }

    private static void Compare(JsonNode? sent, JsonNode? kept, string path, List<string> problems)
    {
        switch (sent)
        {
            case JsonObject map:
                foreach (var (key, value) in map)
                {
                    if (value is null)
                    {
                        continue;
                    }

                    var keptValue = (kept as JsonObject)?[key];
                    if (keptValue is null)
                    {
                        problems.Add($"{path}.{key}: field not declared in schema");
                        continue;
                    }

                    Compare(value, keptValue, $"{path}.{key}", problems);
                }

                break;
            case JsonArray list when kept is JsonArray keptList:
                for (var i = 0; i < list.Count && i < keptList.Count; i++)
                {
                    Compare(list[i], keptList[i], $"{path}[{i}]", problems);
                }

                break;
        }
    }
}
