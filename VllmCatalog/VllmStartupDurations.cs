namespace VllmAspire.VllmCatalog;

/// <summary>
/// A current (V1) vLLM's cold-start phases as published, in seconds: the Qwen3-8B cold start of
/// reference/startup-2026.md [P5] and the compile-cache load of [P13]. The simulator plays them by default and the
/// planner predicts with them, so the local run, the benchmark and <c>aspire do plan</c> use the same numbers.
/// They are other people's measurements, not ours.
/// </summary>
public static class VllmStartupDurations
{
    /// <summary>Python, torch and CUDA imports, process start to vLLM's first line: 10.0 s [P5].</summary>
    public const double ImportsSeconds = 10.0;

    /// <summary>vLLM config and model inspection (16.1 s) and engine-core set-up (3.8 s), before the weights [P5].</summary>
    public const double EngineSeconds = 19.9;

    /// <summary>torch.compile without a usable cache entry: 19.0 s [P5].</summary>
    public const double CompileSeconds = 19.0;

    /// <summary>torch.compile loaded from the cache: 7.51 s in vllm-project/vllm#20264 [P13], rounded.</summary>
    public const double CompileCacheHitSeconds = 7.5;

    /// <summary>CUDA-graph capture, paid by every pod (not file-backed): 4.0 s [P5].</summary>
    public const double GraphCaptureSeconds = 4.0;
}
