using System.Diagnostics;
using VllmAspire.VllmSimulator.Metrics;

namespace VllmAspire.VllmSimulator.Telemetry;

/// <summary>What the engine knows of a request for its span.</summary>
/// <param name="Id">The response id (<c>cmpl-…</c>, <c>chatcmpl-…</c>), vLLM's external request id.</param>
/// <param name="Operation">The GenAI operation: <c>chat</c> or <c>text_completion</c>.</param>
/// <param name="Model">The served model name.</param>
/// <param name="MaxTokensParam">The max_tokens the client gave, if any.</param>
/// <param name="Temperature">The sampling temperature.</param>
/// <param name="TopP">The nucleus sampling mass.</param>
/// <param name="N">The number of sequences asked for.</param>
public sealed record LlmRequestInfo(string Id, string Operation, string Model, int? MaxTokensParam, double Temperature, double TopP, int N = 1);

/// <summary>
/// A request's span as vLLM's OpenTelemetry tracing emits it (<c>vllm/tracing.py</c> <c>SpanAttributes</c>, set in
/// <c>v1/engine/output_processor.py</c>): a SERVER span named <c>llm_request</c> from the request's arrival to its last
/// token, with the request's id, model and sampling parameters, its token usage and its latencies. vLLM names the token
/// counts <c>gen_ai.usage.prompt_tokens</c>/<c>completion_tokens</c>; the current GenAI conventions' <c>input_tokens</c>/
/// <c>output_tokens</c>, <c>gen_ai.operation.name</c>, <c>gen_ai.request.model</c> and <c>gen_ai.system</c> (the attribute
/// Aspire's dashboard keys its GenAI view on, <c>GenAIHelpers.IsGenAISpan</c>) and <c>gen_ai.provider.name</c> are added
/// so the dashboard shows the call.
/// </summary>
public static class RequestSpan
{
    /// <summary>vLLM's span name.</summary>
    public const string Name = "llm_request";

    /// <summary>Starts the span at the request's arrival, under the HTTP request's span when there is one.</summary>
    /// <param name="info">The request.</param>
    /// <returns>The span, or <see langword="null"/> when nothing listens.</returns>
    public static Activity? Start(LlmRequestInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var span = SimulatorTelemetry.Source.StartActivity(Name, ActivityKind.Server);
        if (span is null)
        {
            return null;
        }

        span.SetTag("gen_ai.system", "vllm");
        span.SetTag("gen_ai.provider.name", "vllm");
        span.SetTag("gen_ai.operation.name", info.Operation);
        span.SetTag("gen_ai.request.model", info.Model);
        span.SetTag("gen_ai.response.model", info.Model);
        span.SetTag("gen_ai.request.id", info.Id);
        // vLLM sets the sampling parameters only when they are truthy (non-zero, given).
        if (info.Temperature != 0)
        {
            span.SetTag("gen_ai.request.temperature", info.Temperature);
        }

        if (info.TopP != 0)
        {
            span.SetTag("gen_ai.request.top_p", info.TopP);
        }

        if (info.MaxTokensParam is { } maxTokens)
        {
            span.SetTag("gen_ai.request.max_tokens", maxTokens);
        }

        span.SetTag("gen_ai.request.n", info.N);
        return span;
    }

    /// <summary>Sets the usage and latencies of a finished request and ends its span.</summary>
    /// <param name="span">The span from <see cref="Start"/>.</param>
    /// <param name="timing">The request's timing, as the metrics record it.</param>
    /// <param name="ttftSeconds">Arrival to first token.</param>
    public static void Finish(Activity? span, RequestTiming timing, double ttftSeconds)
    {
        if (span is null)
        {
            return;
        }

        ArgumentNullException.ThrowIfNull(timing);
        span.SetTag("gen_ai.usage.prompt_tokens", timing.PromptTokens);
        span.SetTag("gen_ai.usage.completion_tokens", timing.GenerationTokens);
        span.SetTag("gen_ai.usage.input_tokens", timing.PromptTokens);
        span.SetTag("gen_ai.usage.output_tokens", timing.GenerationTokens);
        span.SetTag("gen_ai.response.finish_reasons", new[] { timing.FinishReason });
        span.SetTag("gen_ai.latency.time_in_queue", timing.QueueSeconds);
        span.SetTag("gen_ai.latency.time_to_first_token", ttftSeconds);
        span.SetTag("gen_ai.latency.e2e", timing.E2eSeconds);
        span.SetTag("gen_ai.latency.time_in_model_prefill", timing.PrefillSeconds);
        span.SetTag("gen_ai.latency.time_in_model_decode", timing.InferenceSeconds - timing.PrefillSeconds);
        span.SetTag("gen_ai.latency.time_in_model_inference", timing.InferenceSeconds);
        span.Stop();
    }

    /// <summary>Ends the span of a request the client gave up on.</summary>
    /// <param name="span">The span.</param>
    public static void Abort(Activity? span)
    {
        span?.SetTag("gen_ai.response.finish_reasons", new[] { "abort" });
        span?.SetStatus(ActivityStatusCode.Error, "The client went away before the last token.");
        span?.Stop();
    }
}
