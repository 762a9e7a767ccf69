namespace VllmAspire.VllmSimulator.Metrics;

/// <summary>One finished request's numbers, as vLLM's stat loggers receive them.</summary>
/// <param name="FinishReason"><c>stop</c>, <c>length</c> or <c>abort</c>.</param>
/// <param name="E2eSeconds">Arrival to last token.</param>
/// <param name="QueueSeconds">Arrival to scheduling.</param>
/// <param name="PrefillSeconds">Scheduling to first token.</param>
/// <param name="InferenceSeconds">Scheduling to last token.</param>
/// <param name="PromptTokens">Prompt tokens.</param>
/// <param name="GenerationTokens">Generated tokens.</param>
/// <param name="MaxTokens">The request's max_tokens.</param>
public sealed record RequestTiming(
    string FinishReason,
    double E2eSeconds,
    double QueueSeconds,
    double PrefillSeconds,
    double InferenceSeconds,
    int PromptTokens,
    int GenerationTokens,
    int MaxTokens);
