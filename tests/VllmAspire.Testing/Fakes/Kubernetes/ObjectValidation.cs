using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VllmAspire.Testing.Fakes.Kubernetes;

/// <summary>The API server's semantic checks (422 Invalid) for the kinds we use: names, selectors, required container fields, immutable Job templates.</summary>
public static partial class ObjectValidation
{
    /// <summary>Lists the field errors of an object about to be stored.</summary>
    /// <param name="type">Its type.</param>
    /// <param name="obj">The merged object.</param>
    /// <param name="existing">The stored object before, or <see langword="null"/>.</param>
    /// <returns>(reason, message, field) per error, as Status causes.</returns>
    public static List<(string Reason, string Message, string Field)> Check(FakeResourceType type, JsonObject obj, JsonObject? existing)
    {
        var errors = new List<(string, string, string)>();
        var name = (string?)obj["metadata"]?["name"] ?? "";
        if (type.Group != "rbac.authorization.k8s.io" && !DnsSubdomain().IsMatch(name))
        {
            errors.Add(("FieldValueInvalid", $"Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", "metadata.name"));
        }

        Labels(obj["metadata"]?["labels"] as JsonObject, "metadata.labels", errors);
        Labels(obj["spec"]?["template"]?["metadata"]?["labels"] as JsonObject, "spec.template.metadata.labels", errors);
        var spec = obj["spec"] as JsonObject;
        switch (type.Kind)
        {
            case "Deployment" when existing is not null && !JsonNode.DeepEquals(existing["spec"]?["selector"], spec?["selector"]):
                errors.Add(("FieldValueInvalid", "Invalid value: field is immutable", "spec.selector"));
                break;
            case "Deployment":
                var selector = spec?["selector"]?["matchLabels"] as JsonObject;
                var labels = spec?["template"]?["metadata"]?["labels"] as JsonObject;
                if (selector is null)
                {
                    errors.Add(("FieldValueRequired", "Required value", "spec.selector"));
                }
                else if (labels is null || selector.Any(s => (string?)labels[s.Key] != (string?)s.Value))
                {
                    errors.Add(("FieldValueInvalid", "Invalid value: `selector` does not match template `labels`", "spec.template.metadata.labels"));
                }

                Containers(spec?["template"]?["spec"], "spec.template.spec", errors);
                break;
            case "Job":
                var restart = (string?)spec?["template"]?["spec"]?["restartPolicy"];
                if (restart is not ("OnFailure" or "Never"))
                {
                    errors.Add(("FieldValueNotSupported", $"Unsupported value: \"{restart}\": supported values: \"OnFailure\", \"Never\"", "spec.template.spec.restartPolicy"));
                }

                if (existing is not null && !JsonNode.DeepEquals(existing["spec"]?["template"], spec?["template"]))
                {
                    errors.Add(("FieldValueInvalid", "Invalid value: field is immutable", "spec.template"));
                }

                Containers(spec?["template"]?["spec"], "spec.template.spec", errors);
                break;
            case "PersistentVolume":
                if (spec?["capacity"] is null)
                {
                    errors.Add(("FieldValueRequired", "Required value", "spec.capacity"));
                }

                if (spec?["csi"] is null && spec?["hostPath"] is null && spec?["local"] is null && spec?["nfs"] is null)
                {
                    errors.Add(("FieldValueRequired", "Required value: must specify a volume type", "spec"));
                }

                break;
            case "PersistentVolumeClaim":
                if (spec?["accessModes"] is not JsonArray { Count: > 0 })
                {
                    errors.Add(("FieldValueRequired", "Required value: at least 1 access mode is required", "spec.accessModes"));
                }

                if (existing is not null && (string?)existing["status"]?["phase"] == "Bound"
                    && !JsonNode.DeepEquals(existing["spec"]?["volumeName"], spec?["volumeName"]))
                {
                    errors.Add(("FieldValueForbidden", "Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims", "spec"));
                }

                break;
        }

        return errors;
    }

    // Label keys are an optional DNS-subdomain prefix and a name of at most 63 characters; values at most 63 characters.
    private static void Labels(JsonObject? labels, string path, List<(string, string, string)> errors)
    {
        foreach (var (key, value) in labels ?? [])
        {
            var name = key.Contains('/') ? key[(key.IndexOf('/') + 1)..] : key;
            var prefix = key.Contains('/') ? key[..key.IndexOf('/')] : null;
            if (name.Length > 63 || !LabelValue().IsMatch(name) || name.Length == 0 || (prefix is not null && (prefix.Length > 253 || !DnsSubdomain().IsMatch(prefix))))
            {
                errors.Add(("FieldValueInvalid", $"Invalid value: \"{key}\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", $"{path}"));
            }

            var text = value?.ToString() ?? "";
            if (text.Length > 63 || !LabelValue().IsMatch(text))
            {
                errors.Add(("FieldValueInvalid", $"Invalid value: \"{text}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", $"{path}"));
            }
        }
    }

    private static void Containers(JsonNode? podSpec, string path, List<(string, string, string)> errors)
    {
        var containers = podSpec?["containers"] as JsonArray;
        if (containers is not { Count: > 0 })
        {
            errors.Add(("FieldValueRequired", "Required value", $"{path}.containers"));
            return;
        }

        for (var i = 0; i < containers.Count; i++)
        {
            if (string.IsNullOrEmpty((string?)containers[i]?["name"]))
            {
                errors.Add(("FieldValueRequired", "Required value", $"{path}.containers[{i}].name"));
            }

            if (string.IsNullOrEmpty((string?)containers[i]?["image"]))
            {
                errors.Add(("FieldValueRequired", "Required value", $"{path}.containers[{i}].image"));
            }
        }
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex(@"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();
}
