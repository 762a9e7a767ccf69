using VllmAspire.VllmCatalog;

namespace VllmAspire.VllmSimulator;

/// <summary>The simulator's settings, named after the <c>vllm serve</c> flags they come from.</summary>
public sealed record SimulatorOptions
{
    /// <summary><c>--model</c>: the folder holding the model's <c>*.safetensors</c> shards, as given on the command line.</summary>
    public required string Model { get; init; }

    /// <summary><c>--served-model-name</c>: the name clients use; defaults to the model folder's name.</summary>
    public required string ServedModelName { get; init; }

    /// <summary><c>--host</c>: the address to listen on.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary><c>--port</c>: the port to listen on (0 picks a free port, reported in the start-up log).</summary>
    public int Port { get; init; } = 8000;

    /// <summary><c>--max-num-seqs</c>: how many requests run at once; the rest wait in FIFO order.</summary>
    public int MaxNumSeqs { get; init; } = 256;

    /// <summary><c>--max-model-len</c>: the context length (prompt plus completion tokens).</summary>
    public int MaxModelLen { get; init; } = 4096;

    /// <summary><c>--vllm-version</c>: the vLLM release to imitate (metrics, log lines).</summary>
    public VllmVersion Version { get; init; } = new(0, 10, 1, "0.10.1");

    /// <summary><c>--ttft-ms</c>: time from scheduling to the first token, in milliseconds.</summary>
    public double TtftMs { get; init; } = 50;

    /// <summary><c>--tpot-ms</c>: time per further output token, in milliseconds.</summary>
    public double TpotMs { get; init; } = 10;

    /// <summary>The simulated start-up phases: their durations, scale and compile cache (see <see cref="StartupPhaseOptions"/>).</summary>
    public StartupPhaseOptions Startup { get; init; } = new();

    /// <summary><c>--enforce-eager</c>: no torch.compile and no CUDA graphs, as vLLM's eager mode.</summary>
    public bool EnforceEager { get; init; }

    /// <summary><c>--dtype</c>, part of the compile-cache key (vLLM's config hash).</summary>
    public string Dtype { get; init; } = "auto";

    /// <summary><c>--tensor-parallel-size</c>, part of the compile-cache key (vLLM's config hash).</summary>
    public int TensorParallelSize { get; init; } = 1;

    /// <summary><c>--kv-cache-tokens</c>: KV-cache capacity in tokens, the denominator of the cache-usage gauge.</summary>
    public int KvCacheTokens { get; init; } = 131072;

    /// <summary><c>--block-size</c>: KV-cache block size in tokens; usage is counted in whole blocks as vLLM does.</summary>
    public int BlockSize { get; init; } = 16;

    /// <summary><c>--show-hidden-metrics-for-version</c>: re-enables metrics hidden since that version.</summary>
    public VllmVersion? ShowHiddenMetricsForVersion { get; init; }

    /// <summary>Shards loaded at once (<c>--model-loader-extra-config '{"enable_multithread_load":true,"num_threads":N}'</c>, vLLM 0.10.2+).</summary>
    public int LoadThreads { get; init; } = 1;

    /// <summary><c>--prefetcher</c>: the Provisioner (an executable or its <c>.dll</c>) started as <c>prefetch MODEL --keep-running</c> beside the engine, as the published pod's sidecar.</summary>
    public string? Prefetcher { get; init; }

    /// <summary><c>--prefetch-concurrency</c>: the prefetcher's reads in flight.</summary>
    public int PrefetchConcurrency { get; init; } = 16;

    /// <summary><c>--api-key</c>: when set, <c>/v1/*</c> requests need <c>Authorization: Bearer KEY</c>.</summary>
    public string? ApiKey { get; init; }

    /// <summary><c>--disable-log-stats</c>: turns off the periodic engine stats log line.</summary>
    public bool DisableLogStats { get; init; }
}
