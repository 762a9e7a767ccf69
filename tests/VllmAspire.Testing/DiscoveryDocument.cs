using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VllmAspire.Testing;

/// <summary>
/// A Google API discovery document (reference/discovery/*.json) used to check REST requests the way the real API
/// would: the method's HTTP verb and URL template, its query parameters, and the body against the request schema —
/// unknown fields, output-only fields, wrong JSON types, malformed int64 strings, values outside an enum and
/// missing required fields are all reported.
/// </summary>
public sealed class DiscoveryDocument
{
    // Parameters every Google API accepts (discovery "parameters" at the top level are merged in as well).
    private static readonly string[] StandardQueryParameters = ["alt", "fields", "key", "oauth_token", "prettyPrint", "quotaUser", "userIp", "$.xgafv", "access_token", "callback", "upload_protocol", "uploadType"];

    private readonly JsonObject _root;
    private readonly Dictionary<string, JsonObject> _methods = new(StringComparer.Ordinal);

    private DiscoveryDocument(JsonObject root)
    {
        _root = root;
        BaseUrl = (string)root["rootUrl"]! + ((string?)root["servicePath"] ?? "");
        CollectMethods(root);
    }

    /// <summary>Gets the base URL requests are made against (<c>rootUrl</c> + <c>servicePath</c>).</summary>
    public string BaseUrl { get; }

    /// <summary>Gets the document name, e.g. <c>compute</c>.</summary>
    public string Name => (string)_root["name"]!;

    /// <summary>Gets the IDs of every method.</summary>
    public IEnumerable<string> MethodIds => _methods.Keys;

    /// <summary>Loads a discovery document.</summary>
    /// <param name="path">The JSON file.</param>
    /// <returns>The document.</returns>
    public static DiscoveryDocument Load(string path) =>
        new(JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidDataException($"{path} is not a JSON object."));

    /// <summary>Checks a request against the method's definition.</summary>
    /// <param name="methodId">The method ID, e.g. <c>compute.disks.insert</c>.</param>
    /// <param name="httpMethod">The HTTP method sent.</param>
    /// <param name="url">The full URL sent.</param>
    /// <param name="body">The JSON body sent, or <see langword="null"/>.</param>
    /// <returns>Every problem, as the API would complain about it; empty when the request is valid.</returns>
    public IReadOnlyList<string> ValidateRequest(string methodId, string httpMethod, string url, JsonNode? body)
    {
        var problems = new List<string>();
        if (!_methods.TryGetValue(methodId, out var method))
        {
            problems.Add($"{Name} has no method '{methodId}'.");
            return problems;
        }

        if (!string.Equals((string)method["httpMethod"]!, httpMethod, StringComparison.Ordinal))
        {
            problems.Add($"{methodId} is {(string)method["httpMethod"]!}, not {httpMethod}.");
        }

        ValidateUrl(methodId, method, url, problems);
        if (method["request"]?["$ref"] is JsonValue requestRef)
        {
            if (body is null)
            {
                problems.Add($"{methodId} needs a {(string)requestRef!} body.");
            }
            else
            {
                ValidateValue(body, new JsonObject { ["$ref"] = (string)requestRef! }, "body", methodId, problems);
            }
        }
        else if (body is not null)
        {
            problems.Add($"{methodId} takes no body.");
        }

        return problems;
    }

    /// <summary>Checks a JSON value against a named schema of the document.</summary>
    /// <param name="value">The value.</param>
    /// <param name="schemaName">The schema, e.g. <c>Disk</c>.</param>
    /// <param name="methodId">The method the value is sent to (for fields required only by some methods), or <see langword="null"/>.</param>
    /// <returns>Every problem; empty when valid.</returns>
    public IReadOnlyList<string> ValidateSchema(JsonNode value, string schemaName, string? methodId = null)
    {
        var problems = new List<string>();
        ValidateValue(value, new JsonObject { ["$ref"] = schemaName }, schemaName, methodId, problems);
        return problems;
    }

    private void CollectMethods(JsonObject node)
    {
        if (node["methods"] is JsonObject methods)
        {
            foreach (var (_, method) in methods)
            {
                _methods[(string)method!["id"]!] = method.AsObject();
            }
        }

        if (node["resources"] is JsonObject resources)
        {
            foreach (var (_, resource) in resources)
            {
                CollectMethods(resource!.AsObject());
            }
        }
    }

    private void ValidateUrl(string methodId, JsonObject method, string url, List<string> problems)
    {
        if (!url.StartsWith(BaseUrl, StringComparison.Ordinal))
        {
            problems.Add($"{methodId}: URL '{url}' does not start with the API's base URL {BaseUrl}.");
            return;
        }

        var relative = url[BaseUrl.Length..];
        var query = "";
        if (relative.IndexOf('?', StringComparison.Ordinal) is var q and >= 0)
        {
            query = relative[(q + 1)..];
            relative = relative[..q];
        }

        var parameters = method["parameters"] as JsonObject ?? [];
        var path = (string)method["path"]!;
        // Literal parts are escaped; {name} is one segment, {+name} follows the parameter's own pattern.
        var pattern = string.Concat(Regex.Split(path, @"(\{\+?[A-Za-z0-9_]+\})").Select(part =>
        {
            var template = Regex.Match(part, @"^\{(\+?)([A-Za-z0-9_]+)\}$");
            if (!template.Success)
            {
                return Regex.Escape(part);
            }

            var parameterPattern = (string?)parameters[template.Groups[2].Value]?["pattern"];
            return template.Groups[1].Value == "+" && parameterPattern is not null ? $"(?:{parameterPattern.TrimStart('^').TrimEnd('$')})" : "[^/]+";
        }));
        if (!Regex.IsMatch(relative, $"^{pattern}$"))
        {
            problems.Add($"{methodId}: path '{relative}' does not match the template '{path}'.");
        }

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = Uri.UnescapeDataString(pair.Split('=')[0]);
            var value = pair.Contains('=', StringComparison.Ordinal) ? Uri.UnescapeDataString(pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..]) : "";
            if (parameters[name] is JsonObject parameter && (string?)parameter["location"] == "query")
            {
                ValidateValue(JsonValue.Create(value), parameter, $"query '{name}'", methodId, problems, fromQuery: true);
            }
            else if (!StandardQueryParameters.Contains(name, StringComparer.Ordinal))
            {
                problems.Add($"{methodId}: unknown query parameter '{name}'.");
            }
        }

        foreach (var (name, parameter) in parameters)
        {
            if ((string?)parameter!["location"] == "query" && (bool?)parameter["required"] == true && !query.Contains(name + "=", StringComparison.Ordinal))
            {
                problems.Add($"{methodId}: required query parameter '{name}' is missing.");
            }
        }
    }

    private void ValidateValue(JsonNode? value, JsonObject schema, string where, string? methodId, List<string> problems, bool fromQuery = false)
    {
        if (schema["$ref"] is JsonValue reference)
        {
            var name = (string)reference!;
            if (_root["schemas"]?[name] is not JsonObject resolved)
            {
                problems.Add($"{where}: the document has no schema '{name}'.");
                return;
            }

            schema = resolved;
        }

        if (value is null)
        {
            problems.Add($"{where}: null is not allowed; leave the field out instead.");
            return;
        }

        var type = (string?)schema["type"];
        var format = (string?)schema["format"];
        switch (type)
        {
            case "object":
                ValidateObject(value, schema, where, methodId, problems);
                break;
            case "array":
                if (value is not JsonArray array)
                {
                    problems.Add($"{where}: expected an array, got {Describe(value)}.");
                    break;
                }

                for (var i = 0; i < array.Count; i++)
                {
                    ValidateValue(array[i], schema["items"]!.AsObject(), $"{where}[{i}]", methodId, problems);
                }

                break;
            case "string":
                if (!TryGetString(value, out var text))
                {
                    // int64/uint64 may also be sent as JSON numbers; every other string must be a string.
                    if (format is "int64" or "uint64" && value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && IsInteger(v, format))
                    {
                        break;
                    }

                    problems.Add($"{where}: expected a string{(format is null ? "" : $" ({format})")}, got {Describe(value)}.");
                    break;
                }

                if (format is "int64" && !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ||
                    format is "uint64" && !ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    problems.Add($"{where}: '{text}' is not a valid {format}.");
                }

                if (schema["enum"] is JsonArray values && !values.Any(e => (string?)e == text))
                {
                    problems.Add($"{where}: '{text}' is not one of {string.Join(", ", values.Select(e => (string?)e))}.");
                }

                break;
            case "integer":
                if (value is JsonValue i32 && (i32.GetValueKind() == JsonValueKind.Number && IsInteger(i32, format) ||
                    fromQuery && TryGetString(i32, out var s) && long.TryParse(s, CultureInfo.InvariantCulture, out _)))
                {
                    break;
                }

                problems.Add($"{where}: expected an integer ({format}), got {Describe(value)}.");
                break;
            case "number":
                if (value is not JsonValue n || n.GetValueKind() != JsonValueKind.Number)
                {
                    problems.Add($"{where}: expected a number, got {Describe(value)}.");
                }

                break;
            case "boolean":
                if (value is not JsonValue b || b.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False) &&
                    !(fromQuery && TryGetString(b, out var bs) && bs is "true" or "false"))
                {
                    problems.Add($"{where}: expected true or false, got {Describe(value)}.");
                }

                break;
            case "any":
            case null when schema["properties"] is null:
                break;
            default:
                ValidateObject(value, schema, where, methodId, problems);
                break;
        }
    }

    private void ValidateObject(JsonNode value, JsonObject schema, string where, string? methodId, List<string> problems)
    {
        if (value is not JsonObject obj)
        {
            problems.Add($"{where}: expected an object, got {Describe(value)}.");
            return;
        }

        var properties = schema["properties"] as JsonObject;
        var additional = schema["additionalProperties"] as JsonObject;
        foreach (var (name, child) in obj)
        {
            if (properties?[name] is JsonObject property)
            {
                if (IsOutputOnly(property))
                {
                    problems.Add($"{where}.{name} is output only; the API ignores or rejects it in requests.");
                }

                ValidateValue(child, property, $"{where}.{name}", methodId, problems);
            }
            else if (additional is not null)
            {
                ValidateValue(child, additional, $"{where}[\"{name}\"]", methodId, problems);
            }
            else
            {
                problems.Add($"{where}: unknown field '{name}' (the API rejects unknown fields: 'Invalid JSON payload received. Unknown name \"{name}\"').");
            }
        }

        if (properties is null || methodId is null)
        {
            return;
        }

        foreach (var (name, property) in properties)
        {
            if (property!["annotations"]?["required"] is JsonArray required && required.Any(r => (string?)r == methodId) && !obj.ContainsKey(name))
            {
                problems.Add($"{where}.{name} is required by {methodId}.");
            }
        }
    }

    private static bool IsOutputOnly(JsonObject property) =>
        (bool?)property["readOnly"] == true ||
        ((string?)property["description"])?.TrimStart().StartsWith("[Output Only]", StringComparison.OrdinalIgnoreCase) == true ||
        ((string?)property["description"])?.TrimStart().StartsWith("Output only.", StringComparison.OrdinalIgnoreCase) == true;

    private static bool TryGetString(JsonNode node, out string text)
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            text = value.GetValue<string>();
            return true;
        }

        text = "";
        return false;
    }

    private static bool IsInteger(JsonValue value, string? format)
    {
        var raw = value.ToJsonString();
        return format switch
        {
            "int32" => int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
            "uint32" => uint.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out _),
            "uint64" => ulong.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out _),
            _ => long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
        };
    }

    private static string Describe(JsonNode node) => node switch
    {
        JsonObject => "an object",
        JsonArray => "an array",
        JsonValue v => $"{v.GetValueKind().ToString().ToLowerInvariant()} {v.ToJsonString()}",
        _ => node.ToJsonString(),
    };
}
