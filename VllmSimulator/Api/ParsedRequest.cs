namespace VllmAspire.VllmSimulator.Api;

/// <summary>A validated completion or chat request, reduced to what the engine needs.</summary>
/// <param name="PromptText">The prompt (for chat, the rendered conversation); the generated text is a function of it.</param>
/// <param name="PromptTokens">Prompt tokens.</param>
/// <param name="MaxTokens">The most tokens to generate.</param>
/// <param name="Stream">Whether to answer with Server-Sent Events.</param>
/// <param name="IncludeUsage">Whether a streamed answer ends with a usage chunk (<c>stream_options.include_usage</c>).</param>
/// <param name="MaxTokensParam">The max_tokens the client sent, if it sent one (vLLM traces only a given one).</param>
/// <param name="Temperature">The sampling temperature (OpenAI's default 1).</param>
/// <param name="TopP">The nucleus sampling mass (default 1).</param>
public sealed record ParsedRequest(string PromptText, int PromptTokens, int MaxTokens, bool Stream, bool IncludeUsage, int? MaxTokensParam = null, double Temperature = 1, double TopP = 1);
