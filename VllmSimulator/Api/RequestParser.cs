using System.Text;
using System.Text.Json;
using VllmAspire.VllmSimulator.Engine;

namespace VllmAspire.VllmSimulator.Api;

/// <summary>
/// Validates OpenAI completion and chat bodies as vLLM does (model name, max_tokens, context length) and turns
/// them into a <see cref="ParsedRequest"/>; failures carry the HTTP status and vLLM's message.
/// </summary>
public static class RequestParser
{
    /// <summary>A request that cannot be served.</summary>
    /// <param name="Status">400 or 404.</param>
    /// <param name="Message">vLLM's message.</param>
    public sealed record Failure(int Status, string Message);

    /// <summary>Parses a <c>/v1/completions</c> body.</summary>
    /// <param name="root">The JSON body.</param>
    /// <param name="options">The simulator options.</param>
    /// <returns>The request or the failure.</returns>
    public static (ParsedRequest? Request, Failure? Error) Completion(JsonElement root, SimulatorOptions options)
    {
        if (Common(root, options) is { } fail)
        {
            return (null, fail);
        }

        if (!root.TryGetProperty("prompt", out var prompt))
        {
            return (null, new(400, "Field 'prompt' is required."));
        }

        string text;
        int tokens;
        switch (prompt.ValueKind)
        {
            case JsonValueKind.String:
                text = prompt.GetString()!;
                tokens = TextGenerator.CountTokens(text);
                break;
            case JsonValueKind.Array when prompt.GetArrayLength() > 0 && prompt.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number):
                // Token ids: one token each.
                text = string.Join(' ', prompt.EnumerateArray().Select(e => e.GetRawText()));
                tokens = prompt.GetArrayLength();
                break;
            case JsonValueKind.Array when prompt.GetArrayLength() == 1 && prompt[0].ValueKind == JsonValueKind.String:
                text = prompt[0].GetString()!;
                tokens = TextGenerator.CountTokens(text);
                break;
            case JsonValueKind.Array when prompt.GetArrayLength() > 1:
                return (null, new(400, "Batched prompts (a list of several prompts) are not supported by the simulator; send one prompt per request."));
            default:
                return (null, new(400, "Field 'prompt' must be a string, a list with one string, or a list of token ids."));
        }

        if (tokens == 0)
        {
            tokens = 1; // vLLM always has at least the BOS token
        }

        return Finish(root, options, text, tokens, defaultMaxTokens: 16);
    }

    /// <summary>Parses a <c>/v1/chat/completions</c> body; the prompt is the conversation rendered with a simple template.</summary>
    /// <param name="root">The JSON body.</param>
    /// <param name="options">The simulator options.</param>
    /// <returns>The request or the failure.</returns>
    public static (ParsedRequest? Request, Failure? Error) Chat(JsonElement root, SimulatorOptions options)
    {
        if (Common(root, options) is { } fail)
        {
            return (null, fail);
        }

        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            return (null, new(400, "Field 'messages' must be a non-empty list of {\"role\", \"content\"} objects."));
        }

        var rendered = new StringBuilder();
        foreach (var m in messages.EnumerateArray())
        {
            if (m.ValueKind != JsonValueKind.Object || !m.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
            {
                return (null, new(400, "Each message needs a string 'role'."));
            }

            rendered.Append("<|").Append(role.GetString()).Append("|>\n");
            if (m.TryGetProperty("content", out var content))
            {
                if (content.ValueKind == JsonValueKind.String)
                {
                    rendered.Append(content.GetString());
                }
                else if (content.ValueKind == JsonValueKind.Array)
                {
                    foreach (var part in content.EnumerateArray())
                    {
                        if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                        {
                            rendered.Append(t.GetString());
                        }
                    }
                }
                else if (content.ValueKind != JsonValueKind.Null)
                {
                    return (null, new(400, "Message 'content' must be a string, a list of content parts, or null."));
                }
            }

            rendered.Append('\n');
        }

        rendered.Append("<|assistant|>\n");
        var text = rendered.ToString();
        var tokens = TextGenerator.CountTokens(text);
        // Chat's default max_tokens is whatever room the context leaves.
        return Finish(root, options, text, tokens, defaultMaxTokens: Math.Max(1, options.MaxModelLen - tokens), "max_completion_tokens");
    }

    private static Failure? Common(JsonElement root, SimulatorOptions options)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new(400, "The request body must be a JSON object.");
        }

        if (root.TryGetProperty("model", out var model) && model.ValueKind != JsonValueKind.Null)
        {
            var name = model.ValueKind == JsonValueKind.String ? model.GetString() : model.GetRawText();
            if (name != options.ServedModelName)
            {
                return new(404, $"The model `{name}` does not exist.");
            }
        }

        if (root.TryGetProperty("n", out var n) && n.ValueKind != JsonValueKind.Null && (!n.TryGetInt32(out var nv) || nv != 1))
        {
            return new(400, "Only n=1 is supported by the simulator.");
        }

        return null;
    }

    private static (ParsedRequest?, Failure?) Finish(JsonElement root, SimulatorOptions options, string text, int promptTokens, int defaultMaxTokens, string? altMaxName = null)
    {
        var maxTokens = defaultMaxTokens;
        int? given = null;
        foreach (var name in altMaxName is null ? new[] { "max_tokens" } : ["max_completion_tokens", "max_tokens"])
        {
            if (root.TryGetProperty(name, out var mt) && mt.ValueKind != JsonValueKind.Null)
            {
                if (mt.ValueKind != JsonValueKind.Number || !mt.TryGetInt32(out var v))
                {
                    return (null, new(400, $"{name} must be an integer."));
                }

                if (v < 1)
                {
                    return (null, new(400, $"max_tokens must be at least 1, got {v}."));
                }

                maxTokens = v;
                given = v;
                break;
            }
        }

        if (Sampling(root, "temperature", 1, double.PositiveInfinity) is { Error: { } badTemperature })
        {
            return (null, badTemperature);
        }

        if (Sampling(root, "top_p", 1, 1) is { Error: { } badTopP })
        {
            return (null, badTopP);
        }

        var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var includeUsage = root.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object
            && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True;
        if (so.ValueKind == JsonValueKind.Object && !stream)
        {
            return (null, new(400, "Stream options can only be defined when `stream=True`."));
        }

        var limit = options.MaxModelLen;
        if (promptTokens >= limit)
        {
            return (null, new(400, $"This model's maximum context length is {limit} tokens. However, you requested {promptTokens} tokens in the messages, Please reduce the length of the messages."));
        }

        if (promptTokens + maxTokens > limit)
        {
            return (null, new(400, $"This model's maximum context length is {limit} tokens. However, you requested {promptTokens + maxTokens} tokens ({promptTokens} in the messages, {maxTokens} in the completion). Please reduce the length of the messages or completion."));
        }

        return (new ParsedRequest(text, promptTokens, maxTokens, stream, includeUsage, given,
            Sampling(root, "temperature", 1, double.PositiveInfinity).Value, Sampling(root, "top_p", 1, 1).Value), null);
    }

    /// <summary>A sampling number between 0 and <paramref name="max"/>, or its default when absent or null.</summary>
    private static (double Value, Failure? Error) Sampling(JsonElement root, string name, double fallback, double max)
    {
        if (!root.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return (fallback, null);
        }

        return e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var v) && v >= 0 && v <= max
            ? (v, null)
            : (fallback, new(400, double.IsPositiveInfinity(max)
                ? $"{name} must be a non-negative number, got {e.GetRawText()}."
                : $"{name} must be a number between 0 and {max.ToString(System.Globalization.CultureInfo.InvariantCulture)}, got {e.GetRawText()}."));
    }
}
