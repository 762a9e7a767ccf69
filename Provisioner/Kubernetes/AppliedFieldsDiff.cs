using System.Text.Json.Nodes;

namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>
/// Decides whether a live object already holds every field we apply. The API server adds defaults and status, so the
/// desired object only has to be contained in the live one: maps by key, lists element by element with the same length
/// (a list we apply is owned whole), scalars by their JSON text. Only labels and annotations of the metadata are ours.
/// A field our field manager applied before (its <c>managedFields</c> entry) that the desired object no longer has is a
/// difference too: applying removes it.
/// </summary>
internal static class AppliedFieldsDiff
{
    /// <summary>Lists the paths where the live object differs from what we apply.</summary>
    /// <param name="desired">The object we apply.</param>
    /// <param name="live">The object the API server returned, or <see langword="null"/> when it does not exist.</param>
    /// <returns>The differing paths, e.g. <c>.spec.template.spec.containers[0].image</c>; empty when nothing would change.</returns>
    public static IReadOnlyList<string> Differences(JsonObject desired, JsonObject? live)
    {
        if (live is null)
        {
            return ["(object does not exist)"];
        }

        var differences = new List<string>();
        foreach (var (key, value) in desired)
        {
            switch (key)
            {
                case "status" or "apiVersion" or "kind":
                    continue;
                case "metadata":
                    foreach (var owned in new[] { "labels", "annotations" })
                    {
                        Compare(value?[owned], live["metadata"]?[owned], $".metadata.{owned}", differences);
                    }

                    continue;
                default:
                    Compare(value, live[key], "." + key, differences);
                    continue;
            }
        }

        var ours = live["metadata"]?["managedFields"]?.AsArray()
            .FirstOrDefault(m => (string?)m?["manager"] == KubernetesOperations.FieldManager && (string?)m?["operation"] == "Apply")?["fieldsV1"] as JsonObject;
        if (ours is not null)
        {
            Removed(ours, desired, "", differences);
        }

        return differences;
    }

    // Walks our managed-fields set (FieldsV1: "f:name" for a field, "k:"/"v:"/"i:" for list elements, "." for the node
    // itself) and reports fields the desired object lacks. List elements are not walked: lists are compared whole above.
    private static void Removed(JsonObject fields, JsonNode? desired, string path, List<string> differences)
    {
        foreach (var (key, child) in fields)
        {
            if (!key.StartsWith("f:", StringComparison.Ordinal))
            {
                continue;
            }

            var name = key[2..];
            var desiredChild = (desired as JsonObject)?[name];
            if (desiredChild is null)
            {
                differences.Add($"{path}.{name} (removed)");
            }
            else if (desiredChild is JsonObject && child is JsonObject nested)
            {
                Removed(nested, desiredChild, $"{path}.{name}", differences);
            }
        }
    }

    private static void Compare(JsonNode? desired, JsonNode? live, string path, List<string> differences)
    {
        switch (desired)
        {
            case null:
                return;
            case JsonObject map when live is JsonObject liveMap:
                foreach (var (key, value) in map)
                {
                    Compare(value, liveMap[key], $"{path}.{key}", differences);
                }

                return;
            case JsonArray list when live is JsonArray liveList && list.Count == liveList.Count:
                for (var i = 0; i < list.Count; i++)
                {
                    Compare(list[i], liveList[i], $"{path}[{i}]", differences);
                }

                return;
            case JsonValue when live is JsonValue && ScalarText(desired) == ScalarText(live):
                return;
            default:
                differences.Add(path);
                return;
        }
    }

    // Quantities and int-or-strings may come back as a number or a string ("1" vs 1); both mean the same value.
    private static string ScalarText(JsonNode node) => node.ToJsonString().Trim('"');
}
