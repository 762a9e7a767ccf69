using System.Text.Json;
using System.Text.Json.Serialization;

namespace VllmAspire.Provisioner.Gcp.ResourceManager;

/// <summary>One role binding of an IAM policy; its condition and unknown fields are kept as they came.</summary>
internal sealed record IamBinding
{
    /// <summary>Gets or sets the role, e.g. <c>roles/monitoring.viewer</c>.</summary>
    public required string Role { get; set; }

    /// <summary>Gets or sets the members.</summary>
    public List<string> Members { get; set; } = [];

    /// <summary>Gets or sets the condition, if the binding is conditional.</summary>
    public JsonElement? Condition { get; set; }

    /// <summary>Gets or sets the fields this type does not model.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}
