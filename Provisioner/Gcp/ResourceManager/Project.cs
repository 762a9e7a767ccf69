using System.Text.Json.Serialization;

namespace VllmAspire.Provisioner.Gcp.ResourceManager;

/// <summary>A project as <c>GET v1/projects/{id}</c> returns it.</summary>
internal sealed record Project
{
    /// <summary>Gets the project ID.</summary>
    public string? ProjectId { get; init; }

    /// <summary>Gets the project number (int64, a JSON string).</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long ProjectNumber { get; init; }
}
