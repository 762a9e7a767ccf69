using System.Globalization;
using System.Text.Json.Nodes;

namespace VllmAspire.Testing.Fakes.Kubernetes;

/// <summary>
/// Server-side apply as the API server does it, for one applier per field: the applied fields become the manager's,
/// fields the manager applied before and left out now are removed, fields owned by other managers stay, and a field
/// another manager owns with a different value is a conflict unless the apply is forced. Lists are owned whole.
/// </summary>
public static class ServerSideApply
{
    /// <summary>Merges an applied configuration into the stored object.</summary>
    /// <param name="type">The object's type.</param>
    /// <param name="existing">The stored object, or <see langword="null"/> when it does not exist.</param>
    /// <param name="applied">The applied configuration.</param>
    /// <param name="manager">The field manager.</param>
    /// <param name="force">Whether conflicts are overridden.</param>
    /// <param name="now">The server's time.</param>
    /// <returns>The merged object and owners, whether anything changed, and the conflicting fields (nothing is merged when there are any).</returns>
    public static (JsonObject Result, Dictionary<string, string> Owners, bool Changed, List<string> Conflicts) Apply(
        FakeResourceType type, StoredObject? existing, JsonObject applied, string manager, bool force, DateTimeOffset now)
    {
        var configuration = applied.DeepClone().AsObject();
        configuration.Remove("status");
        var appliedMetadata = configuration["metadata"]?.AsObject();
        configuration["metadata"] = new JsonObject
        {
            ["labels"] = appliedMetadata?["labels"]?.DeepClone(),
            ["annotations"] = appliedMetadata?["annotations"]?.DeepClone(),
        };
        configuration.Remove("apiVersion");
        configuration.Remove("kind");
        var leaves = FieldPath.Leaves(configuration).Where(l => l.Value is not null).ToDictionary(l => l.Key, l => l.Value);

        var conflicts = new List<string>();
        if (existing is not null && !force)
        {
            foreach (var (path, value) in leaves)
            {
                if (existing.FieldOwners.TryGetValue(path, out var owner) && owner != manager
                    && !JsonNode.DeepEquals(FieldPath.Get(existing.Object, path), value))
                {
                    conflicts.Add($"conflict with \"{owner}\": {FieldPath.Display(path)}");
                }
            }

            if (conflicts.Count > 0)
            {
                return (existing.Object, existing.FieldOwners, false, conflicts);
            }
        }

        var result = existing?.Object.DeepClone().AsObject() ?? new JsonObject
        {
            ["apiVersion"] = type.ApiVersion,
            ["kind"] = type.Kind,
            ["metadata"] = new JsonObject { ["name"] = appliedMetadata?["name"]?.DeepClone() },
        };
        if (type.Namespaced && existing is null)
        {
            result["metadata"]!["namespace"] = appliedMetadata?["namespace"]?.DeepClone();
        }

        var owners = new Dictionary<string, string>(existing?.FieldOwners ?? [], StringComparer.Ordinal);
        foreach (var (path, owner) in owners.Where(o => o.Value == manager && !leaves.ContainsKey(o.Key)).ToList())
        {
            FieldPath.Remove(result, path);
            owners.Remove(path);
        }

        foreach (var (path, value) in leaves)
        {
            FieldPath.Set(result, path, value);
            owners[path] = manager;
        }

        ObjectDefaults.Apply(type, result);
        var changed = existing is null || !JsonNode.DeepEquals(Comparable(existing.Object), Comparable(result));
        if (!changed)
        {
            return (existing!.Object, existing.FieldOwners, false, conflicts);
        }

        var metadata = result["metadata"]!.AsObject();
        if (existing is null)
        {
            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["creationTimestamp"] = Timestamp(now);
            metadata["generation"] = 1;
        }
        else if (!JsonNode.DeepEquals(existing.Object["spec"], result["spec"]))
        {
            metadata["generation"] = ((long?)existing.Object["metadata"]?["generation"] ?? 0) + 1;
        }

        metadata["managedFields"] = new JsonArray([.. owners.Values.Distinct().Order(StringComparer.Ordinal).Select(m => (JsonNode)new JsonObject
        {
            ["manager"] = m,
            ["operation"] = "Apply",
            ["apiVersion"] = type.ApiVersion,
            ["time"] = Timestamp(now),
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = FieldsV1(owners.Where(o => o.Value == m).Select(o => o.Key)),
        })]);
        return (result, owners, true, conflicts);
    }

    /// <summary>Formats a time as the API server does (RFC 3339, whole seconds, UTC).</summary>
    /// <param name="time">The time.</param>
    /// <returns>E.g. <c>2026-11-24T10:00:00Z</c>.</returns>
    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    // The managed-fields set in the API's FieldsV1 form: {"f:spec":{"f:replicas":{}}}. Lists are owned whole here, so a
    // list is one leaf (the API server would list its elements with k:/v:/i: keys beneath it).
    private static JsonObject FieldsV1(IEnumerable<string> paths)
    {
        var root = new JsonObject();
        foreach (var path in paths)
        {
            var node = root;
            foreach (var key in System.Text.Json.JsonSerializer.Deserialize<string[]>(path)!)
            {
                if (node["f:" + key] is not JsonObject child)
                {
                    child = new JsonObject();
                    node["f:" + key] = child;
                }

                node = child;
            }
        }

        return root;
    }

    private static JsonObject Comparable(JsonObject obj)
    {
        var copy = obj.DeepClone().AsObject();
        var metadata = copy["metadata"]?.AsObject();
        metadata?.Remove("resourceVersion");
        metadata?.Remove("managedFields");
        metadata?.Remove("generation");
        metadata?.Remove("uid");
        metadata?.Remove("creationTimestamp");
        return copy;
    }
}
