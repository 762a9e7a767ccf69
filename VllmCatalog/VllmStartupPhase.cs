namespace VllmAspire.VllmCatalog;

/// <summary>
/// The phases of a vLLM start, in order (reference/startup-2026.md §1.1): what the simulator plays, what its start-up
/// trace shows, and what the GKE reporter reads from a pod's log.
/// </summary>
public enum VllmStartupPhase
{
    /// <summary>Process start to vLLM's first line: Python, torch and CUDA imports.</summary>
    Imports,

    /// <summary>Configuration, engine-core process and device set-up, up to loading the weights.</summary>
    Engine,

    /// <summary>Reading the weights into (GPU) memory.</summary>
    WeightLoad,

    /// <summary>Dynamo and Inductor: <c>torch.compile</c>, short on a compile-cache hit.</summary>
    Compile,

    /// <summary>CUDA graph capture (not file-backed: paid on every start).</summary>
    GraphCapture,

    /// <summary>Engine ready to the API server answering HTTP.</summary>
    Ready,
}

/// <summary>Names shared by every start-up trace (the simulator's and the GKE reporter's), so both have one shape.</summary>
public static class VllmStartupTelemetry
{
    /// <summary>The histogram of phase durations in seconds, tagged with <see cref="PhaseAttribute"/>.</summary>
    public const string PhaseDurationHistogram = "vllm.startup.phase.duration";

    /// <summary>The phase a span or histogram sample is about (<see cref="AttributeValue(VllmStartupPhase)"/>).</summary>
    public const string PhaseAttribute = "vllm.startup.phase";

    /// <summary>The vLLM release.</summary>
    public const string VersionAttribute = "vllm.version";

    /// <summary>The weights' size in GiB, on the weight-load span.</summary>
    public const string WeightsGibAttribute = "vllm.weights.gib";

    /// <summary>The weight loader (<c>--load-format</c> and threads), on the weight-load span.</summary>
    public const string WeightsLoaderAttribute = "vllm.weights.loader";

    /// <summary>Whether torch.compile loaded its graphs from the cache, on the compile span.</summary>
    public const string CompileCacheHitAttribute = "vllm.compile.cache_hit";

    /// <summary>The compile cache folder vLLM used, on the compile span.</summary>
    public const string CompileCacheDirectoryAttribute = "vllm.compile.cache_dir";

    /// <summary>The span name of a phase, as the trace waterfall shows it.</summary>
    /// <param name="phase">The phase.</param>
    /// <returns>The span name.</returns>
    public static string SpanName(VllmStartupPhase phase) => phase switch
    {
        VllmStartupPhase.Imports => "imports",
        VllmStartupPhase.Engine => "engine",
        VllmStartupPhase.WeightLoad => "weight load",
        VllmStartupPhase.Compile => "torch.compile",
        VllmStartupPhase.GraphCapture => "CUDA graph capture",
        VllmStartupPhase.Ready => "ready",
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, null),
    };

    /// <summary>The value of <see cref="PhaseAttribute"/> for a phase.</summary>
    /// <param name="phase">The phase.</param>
    /// <returns><c>imports</c>, <c>engine</c>, <c>weight_load</c>, <c>compile</c>, <c>graph_capture</c> or <c>ready</c>.</returns>
    public static string AttributeValue(VllmStartupPhase phase) => phase switch
    {
        VllmStartupPhase.Imports => "imports",
        VllmStartupPhase.Engine => "engine",
        VllmStartupPhase.WeightLoad => "weight_load",
        VllmStartupPhase.Compile => "compile",
        VllmStartupPhase.GraphCapture => "graph_capture",
        VllmStartupPhase.Ready => "ready",
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, null),
    };
}
