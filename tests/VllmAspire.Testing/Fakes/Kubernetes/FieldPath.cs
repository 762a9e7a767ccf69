using System.Text.Json;
using System.Text.Json.Nodes;

namespace VllmAspire.Testing.Fakes.Kubernetes;

/// <summary>Field paths of a JSON object (keys may hold dots and slashes, as labels do), encoded as a JSON array of keys.</summary>
public static class FieldPath
{
    /// <summary>Lists the leaf fields of an object; lists count as one field (owned whole).</summary>
    /// <param name="obj">The object.</param>
    /// <returns>Path (encoded) to value.</returns>
    public static Dictionary<string, JsonNode?> Leaves(JsonObject obj)
    {
        var leaves = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        Walk(obj, [], leaves);
        return leaves;
    }

    /// <summary>Reads a field.</summary>
    /// <param name="obj">The object.</param>
    /// <param name="path">The encoded path.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public static JsonNode? Get(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var key in Decode(path))
        {
            node = (node as JsonObject)?[key];
        }

        return node;
    }

    /// <summary>Writes a field, creating the maps on the way.</summary>
    /// <param name="obj">The object.</param>
    /// <param name="path">The encoded path.</param>
    /// <param name="value">The value (copied).</param>
    public static void Set(JsonObject obj, string path, JsonNode? value)
    {
        var keys = Decode(path);
        var node = obj;
        foreach (var key in keys[..^1])
        {
            if (node[key] is not JsonObject child)
            {
                child = new JsonObject();
                node[key] = child;
            }

            node = child;
        }

        node[keys[^1]] = value?.DeepClone();
    }

    /// <summary>Removes a field, and maps left empty by it.</summary>
    /// <param name="obj">The object.</param>
    /// <param name="path">The encoded path.</param>
    public static void Remove(JsonObject obj, string path)
    {
        var keys = Decode(path);
        var chain = new List<JsonObject> { obj };
        foreach (var key in keys[..^1])
        {
            if (chain[^1][key] is not JsonObject child)
            {
                return;
            }

            chain.Add(child);
        }

        chain[^1].Remove(keys[^1]);
        for (var i = chain.Count - 1; i > 0 && chain[i].Count == 0; i--)
        {
            chain[i - 1].Remove(keys[i - 1]);
        }
    }

    /// <summary>Shows an encoded path as the API server does, e.g. <c>.spec.replicas</c>.</summary>
    /// <param name="path">The encoded path.</param>
    /// <returns>The display form.</returns>
    public static string Display(string path) => "." + string.Join(".", Decode(path));

    private static string[] Decode(string path) => JsonSerializer.Deserialize<string[]>(path)!;

    private static void Walk(JsonObject obj, List<string> prefix, Dictionary<string, JsonNode?> leaves)
    {
        foreach (var (key, value) in obj)
        {
            var path = new List<string>(prefix) { key };
            if (value is JsonObject child && child.Count > 0)
            {
                Walk(child, path, leaves);
            }
            else
            {
                leaves[JsonSerializer.Serialize(path)] = value;
            }
        }
    }
}
