using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace VllmSimulator.Tests;

public sealed class ApiTests(FastServer server) : IClassFixture<FastServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Http => server.Http;

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string json)
    {
        using var response = await Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task<List<JsonElement>> StreamAsync(string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(Ct);
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e));
        Assert.Equal("data: [DONE]", events[^1]);
        Assert.EndsWith("data: [DONE]\n\n", text, StringComparison.Ordinal);
        return events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement.Clone()).ToList();
    }

    [Fact]
    public async Task Health_version_and_models_have_vllm_shapes()
    {
        using var health = await Http.GetAsync("health", Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("", await health.Content.ReadAsStringAsync(Ct));

        var version = await Http.GetFromJsonAsync<JsonElement>("version", Ct);
        Assert.Equal("0.10.1", version.GetProperty("version").GetString());

        var models = await Http.GetFromJsonAsync<JsonElement>("v1/models", Ct);
        Assert.Equal("list", models.GetProperty("object").GetString());
        var m = Assert.Single(models.GetProperty("data").EnumerateArray());
        Assert.Equal("sample", m.GetProperty("id").GetString());
        Assert.Equal("model", m.GetProperty("object").GetString());
        Assert.Equal("vllm", m.GetProperty("owned_by").GetString());
        Assert.Equal(4096, m.GetProperty("max_model_len").GetInt32());
        Assert.Equal((await TestModels.SampleAsync()).Directory, m.GetProperty("root").GetString());
        Assert.Equal(JsonValueKind.Null, m.GetProperty("parent").ValueKind);
    }

    [Fact]
    public async Task Completions_are_deterministic_with_usage_and_finish_reason()
    {
        const string body = """{"model":"sample","prompt":"The quick brown fox, jumps.","max_tokens":7}""";
        var (status, r) = await PostAsync("v1/completions", body);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("cmpl-", r.GetProperty("id").GetString());
        Assert.Equal("text_completion", r.GetProperty("object").GetString());
        Assert.Equal("sample", r.GetProperty("model").GetString());
        Assert.True(r.GetProperty("created").GetInt64() > 1_600_000_000);
        var choice = Assert.Single(r.GetProperty("choices").EnumerateArray());
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        var text = choice.GetProperty("text").GetString()!;
        Assert.Equal(7, text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        var usage = r.GetProperty("usage");
        Assert.Equal(7, usage.GetProperty("prompt_tokens").GetInt32()); // The quick brown fox , jumps .
        Assert.Equal(7, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(14, usage.GetProperty("total_tokens").GetInt32());

        var (_, again) = await PostAsync("v1/completions", body);
        Assert.Equal(text, again.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.NotEqual(r.GetProperty("id").GetString(), again.GetProperty("id").GetString());
        var (_, other) = await PostAsync("v1/completions", """{"model":"sample","prompt":"A different prompt","max_tokens":7}""");
        Assert.NotEqual(text, other.GetProperty("choices")[0].GetProperty("text").GetString());

        // A generous max_tokens lets the text end on its own: finish_reason stop, fewer tokens than allowed.
        var (_, free) = await PostAsync("v1/completions", """{"model":"sample","prompt":"The quick brown fox, jumps.","max_tokens":500}""");
        Assert.Equal("stop", free.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.InRange(free.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), 16, 63);
        Assert.StartsWith(text, free.GetProperty("choices")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Chat_completions_have_openai_shape()
    {
        var (status, r) = await PostAsync("v1/chat/completions", """{"model":"sample","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello!"}],"max_tokens":5}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("chatcmpl-", r.GetProperty("id").GetString());
        Assert.Equal("chat.completion", r.GetProperty("object").GetString());
        var choice = Assert.Single(r.GetProperty("choices").EnumerateArray());
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        var content = choice.GetProperty("message").GetProperty("content").GetString()!;
        Assert.False(content.StartsWith(' '));
        Assert.Equal(5, content.Split(' ').Length);
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(5, r.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.True(r.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 2);
    }

    [Fact]
    public async Task Streamed_completion_concatenates_to_the_non_streamed_text()
    {
        const string prompt = "\"prompt\":\"Stream me a story\",\"max_tokens\":9";
        var (_, plain) = await PostAsync("v1/completions", "{\"model\":\"sample\"," + prompt + "}");
        var chunks = await StreamAsync("v1/completions", "{\"model\":\"sample\"," + prompt + ",\"stream\":true}");

        Assert.Equal(9, chunks.Count);
        Assert.All(chunks, c => Assert.Equal("text_completion", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.All(chunks[..^1], c => Assert.Equal(JsonValueKind.Null, c.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind));
        Assert.Equal("length", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var streamed = string.Concat(chunks.Select(c => c.GetProperty("choices")[0].GetProperty("text").GetString()));
        Assert.Equal(plain.GetProperty("choices")[0].GetProperty("text").GetString(), streamed);
    }

    [Fact]
    public async Task Streamed_chat_has_role_content_usage_and_done()
    {
        const string messages = "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me\"}],\"max_tokens\":6";
        var (_, plain) = await PostAsync("v1/chat/completions", "{\"model\":\"sample\"," + messages + "}");
        var chunks = await StreamAsync("v1/chat/completions", "{\"model\":\"sample\"," + messages + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");

        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var usageChunk = chunks[^1];
        Assert.Empty(usageChunk.GetProperty("choices").EnumerateArray());
        Assert.Equal(6, usageChunk.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        var content = string.Concat(chunks[1..^1].Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()));
        Assert.Equal(plain.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), content);
        Assert.Equal("length", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Wrong_model_is_a_404_in_vllm_error_shape()
    {
        using var response = await Http.PostAsync("v1/completions", new StringContent("""{"model":"x","prompt":"hi"}""", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"object":"error","message":"The model `x` does not exist.","type":"NotFoundError","param":null,"code":404}""",
            await response.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("v1/completions", """{"model":"sample","prompt":"hi",""", "Invalid JSON")]
    [InlineData("v1/completions", """{"model":"sample","prompt":"hi","max_tokens":0}""", "max_tokens must be at least 1, got 0.")]
    [InlineData("v1/chat/completions", """{"model":"sample","messages":[{"role":"user","content":"hi"}],"max_tokens":-3}""", "max_tokens must be at least 1")]
    [InlineData("v1/completions", """{"model":"sample","prompt":"hi","max_tokens":4096}""", "maximum context length is 4096 tokens. However, you requested 4097 tokens (1 in the messages, 4096 in the completion).")]
    [InlineData("v1/chat/completions", """{"model":"sample","messages":[]}""", "messages")]
    public async Task Bad_requests_are_400_in_vllm_error_shape(string path, string body, string message)
    {
        var (status, error) = await PostAsync(path, body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("error", error.GetProperty("object").GetString());
        Assert.Equal("BadRequestError", error.GetProperty("type").GetString());
        Assert.Equal(400, error.GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
        Assert.Contains(message, error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_prompt_longer_than_the_context_is_rejected()
    {
        var prompt = string.Join(' ', Enumerable.Repeat("word", 5000));
        var (status, error) = await PostAsync("v1/completions", JsonSerializer.Serialize(new { model = "sample", prompt }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("you requested 5000 tokens", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task V1_metrics_use_vllm_names_labels_and_buckets()
    {
        await PostAsync("v1/completions", """{"model":"sample","prompt":"count me","max_tokens":3}""");
        using var response = await Http.GetAsync("metrics", Ct);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(Ct);
        const string l = "{model_name=\"sample\",engine=\"0\"}";
        Assert.Equal(0, MetricsText.Value(text, "vllm:num_requests_running" + l));
        Assert.Equal(0, MetricsText.Value(text, "vllm:num_requests_waiting" + l));
        Assert.NotNull(MetricsText.Value(text, "vllm:kv_cache_usage_perc" + l));
        Assert.NotNull(MetricsText.Value(text, "vllm:gpu_cache_usage_perc" + l)); // still shown in 0.10
        Assert.True(MetricsText.Value(text, "vllm:generation_tokens_total" + l) >= 3);
        Assert.True(MetricsText.Value(text, "vllm:prompt_tokens_total" + l) >= 2);
        Assert.True(MetricsText.Value(text, "vllm:request_success_total{model_name=\"sample\",engine=\"0\",finished_reason=\"length\"}") >= 1);
        Assert.Contains("# TYPE vllm:time_to_first_token_seconds histogram", text);
        Assert.Contains("vllm:time_to_first_token_seconds_bucket{model_name=\"sample\",engine=\"0\",le=\"2560\"}", text);
        Assert.Contains("# TYPE vllm:time_per_output_token_seconds histogram", text);
        Assert.Contains("# TYPE vllm:e2e_request_latency_seconds histogram", text);
        Assert.Contains("vllm:e2e_request_latency_seconds_bucket{model_name=\"sample\",engine=\"0\",le=\"7680\"}", text);
        Assert.Contains("# TYPE vllm:request_queue_time_seconds histogram", text);
        Assert.Contains("# TYPE vllm:request_prompt_tokens histogram", text);
        Assert.Contains("# TYPE vllm:request_generation_tokens histogram", text);
        Assert.Contains("# TYPE vllm:num_preemptions_total counter", text);
        Assert.Contains("vllm:cache_config_info{", text);
        Assert.DoesNotContain("vllm:num_requests_swapped", text);
        Assert.DoesNotContain("vllm:cpu_cache_usage_perc", text);
        Assert.DoesNotContain("vllm:inter_token_latency_seconds", text); // 0.11+
        Assert.DoesNotContain("process_", text);
        Assert.DoesNotContain("dotnet_", text);
        Assert.DoesNotContain("vllm__", text);
    }
}
