namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// How VllmSimulator behaves when it stands in for vLLM in a local run: its latency model and its start-up. Each start
/// plays a current vLLM's phases (imports, engine set-up, the real weight load, torch.compile, CUDA graph capture) with
/// the durations of reference/startup-2026.md, scaled by <see cref="StartupTimeScale"/>; each start is a trace with a
/// span per phase. Published, none of this applies.
/// </summary>
public sealed class VllmSimulatorOptions
{
    /// <summary>Gets or sets the time to first token.</summary>
    public TimeSpan TimeToFirstToken { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Gets or sets the time per further output token.</summary>
    public TimeSpan TimePerOutputToken { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Gets or sets what the simulated phases of a start are multiplied by: 1 plays the measured cold start of a current
    /// vLLM (about a minute before the weights), 0 none; the default 0.05 keeps a local start to a few seconds. The weight
    /// load is real and never scaled; the prefetch sidecar reads the weights meanwhile, as on GKE.
    /// </summary>
    public double StartupTimeScale { get; set; } = 0.05;

    /// <summary>
    /// Gets or sets whether the replicas share vLLM's torch.compile cache in the AppHost's data folder: the first start
    /// compiles and writes it, later ones load it (the shorter compile phase), as pods sharing the cache do.
    /// </summary>
    public bool CompileCache { get; set; } = true;
}
