using System.Text.Json;
using System.Text.Json.Serialization;

namespace VllmAspire.Provisioner.Gcp;

/// <summary>JSON settings for Google's REST APIs: camelCase, nulls left out (the APIs reject explicit nulls).</summary>
internal static class GcpJson
{
    /// <summary>Gets the serializer options every GCP client uses.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
