namespace Aspire.Hosting.ApplicationModel;

/// <summary>How a published vLLM pod reads its weights (reference/storage.md §5, §6).</summary>
public enum VllmLoadStrategy
{
    /// <summary>vLLM's default loader (mmap of each shard, one reader) with the Provisioner's <c>prefetch</c> as a native sidecar reading the weights into the page cache while vLLM starts. Works with every vLLM version.</summary>
    PrefetchSidecar,

    /// <summary>vLLM's default loader alone: single-stream reads bound by read-ahead / latency (the recipe).</summary>
    Default,

    /// <summary><c>--load-format runai_streamer</c>: Run:ai Model Streamer's concurrent readers (vLLM 0.6.6+, image with <c>vllm[runai]</c>).</summary>
    RunAiStreamer,

    /// <summary><c>--safetensors-load-strategy prefetch</c>: vLLM's own page-cache prefetch in background threads (vLLM 0.26.0+ in our table).</summary>
    VllmPrefetch,

    /// <summary>Multi-threaded shard loading, <c>enable_multithread_load</c> (vLLM 0.10.2+).</summary>
    MultithreadLoad,
}
