using VllmAspire.VllmCatalog;

namespace VllmAspire.VllmSimulator;

/// <summary>
/// How long each simulated phase of a vLLM start takes, in real-world seconds before <see cref="TimeScale"/>, and
/// where the compile cache lives. Defaults are <see cref="VllmStartupDurations"/> (reference/startup-2026.md [P5] and
/// [P13]), as the planner's. The weight load is real (the simulator reads the files), so it
/// is never scaled.
/// </summary>
public sealed record StartupPhaseOptions
{
    /// <summary><c>--startup-time-scale</c>: multiplies every simulated phase (0 plays them instantly; 0.05 makes a default start about 3 s).</summary>
    public double TimeScale { get; init; } = 1;

    /// <summary><c>--imports-seconds</c>: process start to vLLM's first line (Python, torch, CUDA imports).</summary>
    public double ImportsSeconds { get; init; } = VllmStartupDurations.ImportsSeconds;

    /// <summary><c>--engine-seconds</c>: vLLM config, model inspection and engine-core set-up, before the weights.</summary>
    public double EngineSeconds { get; init; } = VllmStartupDurations.EngineSeconds;

    /// <summary><c>--compile-seconds</c>: torch.compile without a usable cache entry (the entry is written).</summary>
    public double CompileSeconds { get; init; } = VllmStartupDurations.CompileSeconds;

    /// <summary><c>--compile-cache-hit-seconds</c>: torch.compile when the cache holds a matching entry.</summary>
    public double CompileCacheHitSeconds { get; init; } = VllmStartupDurations.CompileCacheHitSeconds;

    /// <summary><c>--graph-capture-seconds</c>: CUDA graph capture (never cached).</summary>
    public double GraphCaptureSeconds { get; init; } = VllmStartupDurations.GraphCaptureSeconds;

    /// <summary>
    /// <c>--compile-cache-root</c> (else <c>VLLM_CACHE_ROOT</c>): vLLM's cache root, holding <c>torch_compile_cache/</c>.
    /// <see langword="null"/>: no cache, as <c>VLLM_DISABLE_COMPILE_CACHE=1</c> (every start compiles, nothing is written).
    /// </summary>
    public string? CompileCacheRoot { get; init; }

    /// <summary><c>--gpu-name</c>: the simulated GPU, part of the compile-cache key as in Inductor's system hash.</summary>
    public string GpuName { get; init; } = "NVIDIA L4";

    /// <summary>
    /// Whether the phases after the weights are skipped: the old <c>--engine-start-seconds N</c> model, which is
    /// <c>--imports-seconds 0 --engine-seconds N</c> with no compile or graph phase, as before.
    /// </summary>
    public bool EngineStartOnly { get; init; }

    /// <summary>Scales a phase's configured seconds.</summary>
    /// <param name="seconds">The configured seconds.</param>
    /// <returns>The time to spend.</returns>
    public TimeSpan Scaled(double seconds) => TimeSpan.FromSeconds(seconds * TimeScale);
}
