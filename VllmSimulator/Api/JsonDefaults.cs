using System.Text.Encodings.Web;
using System.Text.Json;

namespace VllmAspire.VllmSimulator.Api;

/// <summary>JSON settings for every response: property names as declared, and no \u escapes for characters such as
/// the backticks in vLLM's error messages, so bodies read like vLLM's.</summary>
public static class JsonDefaults
{
    /// <summary>The shared serializer options.</summary>
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
