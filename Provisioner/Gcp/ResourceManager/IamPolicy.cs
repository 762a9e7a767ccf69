using System.Text.Json;
using System.Text.Json.Serialization;

namespace VllmAspire.Provisioner.Gcp.ResourceManager;

/// <summary>An IAM policy; fields we do not touch (audit configs…) are kept as they came, so a write never drops them.</summary>
internal sealed record IamPolicy
{
    /// <summary>Gets or sets the policy version (3 keeps conditional bindings intact).</summary>
    public int? Version { get; set; }

    /// <summary>Gets or sets the etag, sent back unchanged so a concurrent change is detected.</summary>
    public string? Etag { get; set; }

    /// <summary>Gets or sets the bindings.</summary>
    public List<IamBinding> Bindings { get; set; } = [];

    /// <summary>Gets or sets the fields this type does not model.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}
