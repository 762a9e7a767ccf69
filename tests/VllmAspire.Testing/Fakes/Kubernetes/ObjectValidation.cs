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
            case "APIService":
                APIService(name, spec, errors);
                break;
        }

        return errors;
    }

    // kube-aggregator's ValidateAPIService: the name is version.group, priorities are in range, a service-backed
    // APIService names its Service, and insecureSkipTLSVerify may not be true alongside a caBundle.
    private static void APIService(string name, JsonObject? spec, List<(string, string, string)> errors)
    {
        var group = (string?)spec?["group"] ?? "";
        var version = (string?)spec?["version"] ?? "";
        if (name != $"{version}.{group}")
        {
            errors.Add(("FieldValueInvalid", $"Invalid value: \"{name}\": must be `spec.version+\".\"+spec.group`: \"{version}.{group}\"", "metadata.name"));
        }

        if (group.Length == 0 && version != "v1")
        {
            errors.Add(("FieldValueRequired", "Required value: only v1 may have an empty group and it better be legacy kube", "spec.group"));
        }

        var groupPriority = (int?)spec?["groupPriorityMinimum"] ?? 0;
        if (groupPriority is <= 0 or > 20000)
        {
            errors.Add(("FieldValueInvalid", $"Invalid value: {groupPriority}: must be positive and less than 20000", "spec.groupPriorityMinimum"));
        }

        var versionPriority = (int?)spec?["versionPriority"] ?? 0;
        if (versionPriority is <= 0 or > 1000)
        {
            errors.Add(("FieldValueInvalid", $"Invalid value: {versionPriority}: must be positive and less than 1000", "spec.versionPriority"));
        }

        var caBundle = (string?)spec?["caBundle"];
        var insecure = (bool?)spec?["insecureSkipTLSVerify"] == true;
        if (spec?["service"] is not JsonObject service)
        {
            if (!string.IsNullOrEmpty(caBundle))
            {
                errors.Add(("FieldValueInvalid", "Invalid value: local APIServices may not have a caBundle", "spec.caBundle"));
            }

            if (insecure)
            {
                errors.Add(("FieldValueInvalid", "Invalid value: true: local APIServices may not have insecureSkipTLSVerify", "spec.insecureSkipTLSVerify"));
            }

            return;
        }

        if (string.IsNullOrEmpty((string?)service["namespace"]))
        {
            errors.Add(("FieldValueRequired", "Required value", "spec.service.namespace"));
        }

        if (string.IsNullOrEmpty((string?)service["name"]))
        {
            errors.Add(("FieldValueRequired", "Required value", "spec.service.name"));
        }

        var port = (int?)service["port"] ?? 443;
        if (port is < 1 or > 65535)
        {
            errors.Add(("FieldValueInvalid", $"Invalid value: {port}: must be between 1 and 65535, inclusive", "spec.service.port"));
        }

        if (insecure && !string.IsNullOrEmpty(caBundle))
        {
            errors.Add(("FieldValueInvalid", "Invalid value: true: may not be true if caBundle is present", "spec.insecureSkipTLSVerify"));
        }
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

        // Init containers (SidecarContainers, on by default since 1.29): restartPolicy may only be Always, which makes
        // a native sidecar; only sidecars may have probes; names are unique across containers and init containers.
        var names = containers.Select(c => (string?)c?["name"]).ToHashSet();
        var initContainers = podSpec?["initContainers"] as JsonArray ?? [];
        for (var i = 0; i < initContainers.Count; i++)
        {
            var init = initContainers[i];
            var at = $"{path}.initContainers[{i}]";
            var name = (string?)init?["name"];
            if (string.IsNullOrEmpty(name))
            {
                errors.Add(("FieldValueRequired", "Required value", $"{at}.name"));
            }
            else if (!names.Add(name))
            {
                errors.Add(("FieldValueDuplicate", $"Duplicate value: \"{name}\"", $"{at}.name"));
            }

            if (string.IsNullOrEmpty((string?)init?["image"]))
            {
                errors.Add(("FieldValueRequired", "Required value", $"{at}.image"));
            }

            var restartPolicy = (string?)init?["restartPolicy"];
            if (restartPolicy is not (null or "Always"))
            {
                errors.Add(("FieldValueNotSupported", $"Unsupported value: \"{restartPolicy}\": supported values: \"Always\"", $"{at}.restartPolicy"));
            }

            foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" }.Where(p => restartPolicy is null && init?[p] is not null))
            {
                errors.Add(("FieldValueForbidden", "Forbidden: may not be set for init containers without restartPolicy=Always", $"{at}.{probe}"));
            }
        }
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex(@"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();
}
