namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// vLLM's torch.compile cache is reused across starts (<c>WithCompileCache</c>). Published, the weights bake runs vLLM
/// once on the GPU pool so the cache is baked into the weights image beside the weights, and every pod starts from it;
/// locally the simulator's replicas share <paramref name="LocalRoot"/>, so a replica's second start is a cache hit.
/// </summary>
/// <param name="LocalRoot">vLLM's cache root for the local run (<c>VLLM_CACHE_ROOT</c>), in the AppHost's data folder.</param>
public sealed record VllmCompileCacheAnnotation(string LocalRoot) : IResourceAnnotation;
