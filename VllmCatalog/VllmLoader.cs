namespace VllmAspire.VllmCatalog;

/// <summary>vLLM's weight loaders that matter for start-up from a persistent disk (reference/storage.md §5.1).</summary>
public enum VllmLoader
{
    /// <summary>The default safetensors path: one reader faulting mmap'ed pages in, bound by read-ahead and latency. Every version.</summary>
    Default,

    /// <summary><c>--load-format runai_streamer</c>: Run:ai Model Streamer's concurrent readers (image with <c>vllm[runai]</c>).</summary>
    RunAiStreamer,

    /// <summary>Multi-threaded shard loading through <c>--model-loader-extra-config {"enable_multithread_load":true,...}</c>.</summary>
    MultithreadLoad,

    /// <summary><c>--safetensors-load-strategy prefetch</c>: vLLM reads the shards into the page cache in background threads.</summary>
    SafetensorsPrefetch,
}
