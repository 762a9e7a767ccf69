using System.Text.Json.Nodes;

namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>
/// Decides whether a live object already holds every field we apply. The API server adds defaults and status, so the
/// desired object only has to be contained in the live one: maps by key, lists element by element with the same length
/// (a list we apply is owned whole), scalars by their JSON text. Only labels and annotations of the metadata are ours.
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

        return differences;
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
