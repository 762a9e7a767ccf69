using VllmAspire.Hosting;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>How the published vLLM pod reads its weights; without it, <see cref="VllmLoadStrategy.PrefetchSidecar"/>.</summary>
/// <param name="Strategy">The strategy.</param>
/// <param name="Concurrency">Reader threads for parallel loaders and the prefetch sidecar.</param>
public sealed record VllmLoadStrategyAnnotation(VllmLoadStrategy Strategy, int Concurrency = VllmLoaderSettings.DefaultConcurrency) : IResourceAnnotation;
