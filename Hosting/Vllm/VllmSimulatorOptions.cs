namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// How VllmSimulator behaves when it stands in for vLLM in a local run: its latency model and its start-up phases.
/// Published, none of this applies.
/// </summary>
public sealed class VllmSimulatorOptions
{
    /// <summary>Gets or sets the time to first token.</summary>
    public TimeSpan TimeToFirstToken { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Gets or sets the time per further output token.</summary>
    public TimeSpan TimePerOutputToken { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Gets or sets the engine start before the weights are read: the time vLLM spends on imports, CUDA and engine
    /// set-up, during which the prefetch sidecar already reads them (reference/storage.md §4.2 fits 15.7 s on GKE).
    /// </summary>
    public TimeSpan EngineStart { get; set; } = TimeSpan.FromSeconds(2);
}
