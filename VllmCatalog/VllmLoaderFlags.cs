namespace VllmAspire.VllmCatalog;

/// <summary>What <c>vllm serve</c> needs to use a <see cref="VllmLoader"/>.</summary>
/// <param name="Args">Arguments to add to <c>vllm serve</c>.</param>
/// <param name="Environment">Environment variables for the vLLM process.</param>
public sealed record VllmLoaderFlags(IReadOnlyList<string> Args, IReadOnlyDictionary<string, string> Environment);
