using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace VllmAspire.Testing.Fakes.Kubernetes;

/// <summary>
/// Validates custom resources against the <c>openAPIV3Schema</c> of their CRD (reference/schemas/), as the API server
/// does with strict field validation: undeclared fields, wrong types, values outside an enum and missing required fields.
/// </summary>
public sealed class CrdSchemaValidator
{
    private readonly Dictionary<string, JsonObject> _schemas = new(StringComparer.Ordinal);

    /// <summary>Loads every CRD in a folder.</summary>
    /// <param name="directory">The folder of CRD YAML files.</param>
    /// <returns>The validator.</returns>
    public static CrdSchemaValidator Load(string directory)
    {
        var validator = new CrdSchemaValidator();
        var deserializer = new DeserializerBuilder().Build();
        var serializer = new SerializerBuilder().JsonCompatible().Build();
        foreach (var file in Directory.EnumerateFiles(directory, "*.yaml"))
        {
            var crd = JsonNode.Parse(serializer.Serialize(deserializer.Deserialize(new StringReader(File.ReadAllText(file)))!))!.AsObject();
            if ((string?)crd["kind"] != "CustomResourceDefinition")
            {
                continue;
            }

            var group = (string)crd["spec"]!["group"]!;
            var kind = (string)crd["spec"]!["names"]!["kind"]!;
            foreach (var version in crd["spec"]!["versions"]!.AsArray())
            {
                validator._schemas[$"{group}/{(string)version!["name"]!}/{kind}"] = version["schema"]!["openAPIV3Schema"]!.AsObject();
            }
        }

        return validator;
    }

    /// <summary>Gets whether a schema for the apiVersion and kind is loaded.</summary>
    /// <param name="apiVersion">The apiVersion.</param>
    /// <param name="kind">The kind.</param>
    /// <returns>Whether it is known.</returns>
    public bool Knows(string apiVersion, string kind) => _schemas.ContainsKey($"{apiVersion}/{kind}");

    /// <summary>Lists the problems of a custom resource.</summary>
    /// <param name="body">The object.</param>
    /// <returns>The problems, e.g. <c>.spec.endpoints[0].intervall: field not declared in schema</c>.</returns>
    public IReadOnlyList<string> Check(JsonObject body)
    {
        var schema = _schemas[$"{(string?)body["apiVersion"]}/{(string?)body["kind"]}"];
        var problems = new List<string>();
        foreach (var (key, value) in body)
        {
            if (key is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }

            if (schema["properties"]?[key] is JsonObject property)
            {
                Check(property, value, "." + key, problems);
            }
            else
            {
                problems.Add($".{key}: field not declared in schema");
            }
        }

        return problems;
    }

    // The CRD is read from YAML without a schema, so booleans arrive as the strings "true" and "false".
    private static bool Flag(JsonNode? node) => node?.ToString() == "true";

    private static void Check(JsonObject schema, JsonNode? value, string path, List<string> problems)
    {
        if (value is null)
        {
            return;
        }

        if (Flag(schema["x-kubernetes-int-or-string"]))
        {
            if (value is not JsonValue v || !(v.TryGetValue<string>(out _) || v.TryGetValue<long>(out _)))
            {
                problems.Add($"{path}: Invalid value: must be an integer or a string");
            }

            return;
        }

        var type = (string?)schema["type"];
        switch (type)
        {
            case "object" when value is JsonObject map:
                var preserve = Flag(schema["x-kubernetes-preserve-unknown-fields"]);
                foreach (var required in schema["required"]?.AsArray().Select(r => (string)r!) ?? [])
                {
                    if (map[required] is null)
                    {
                        problems.Add($"{path}.{required}: Required value");
                    }
                }

                foreach (var (key, child) in map)
                {
                    if (schema["properties"]?[key] is JsonObject property)
                    {
                        Check(property, child, $"{path}.{key}", problems);
                    }
                    else if (schema["additionalProperties"] is JsonObject additional)
                    {
                        Check(additional, child, $"{path}.{key}", problems);
                    }
                    else if (!preserve && !Flag(schema["additionalProperties"]))
                    {
                        problems.Add($"{path}.{key}: field not declared in schema");
                    }
                }

                break;
            case "array" when value is JsonArray list:
                for (var i = 0; i < list.Count; i++)
                {
                    if (schema["items"] is JsonObject items)
                    {
                        Check(items, list[i], $"{path}[{i}]", problems);
                    }
                }

                break;
            case "string" when value is JsonValue s && s.TryGetValue<string>(out var text):
                if (schema["enum"] is JsonArray allowed && !allowed.Any(a => (string?)a == text))
                {
                    problems.Add($"{path}: Unsupported value: \"{text}\"");
                }

                break;
            case "integer" when value is JsonValue n && n.TryGetValue<long>(out _):
            case "number" when value is JsonValue d && d.TryGetValue<double>(out _):
            case "boolean" when value is JsonValue b && b.TryGetValue<bool>(out _):
            case null:
                break;
            default:
                problems.Add($"{path}: Invalid value: must be of type {type}");
                break;
        }
    }
}
