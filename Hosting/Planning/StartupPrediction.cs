namespace VllmAspire.Hosting.Planning;

/// <summary>A predicted pod start-up and the monthly storage cost of one storage option.</summary>
/// <param name="Option">The storage option.</param>
/// <param name="ImagePullSeconds">Time to pull the vLLM image (0 with the image cache).</param>
/// <param name="ImportSeconds">Python import before the engine starts.</param>
/// <param name="EngineSeconds">Engine time that is not weight I/O.</param>
/// <param name="IoSeconds">Weight I/O time.</param>
/// <param name="BandwidthMiBps">The effective read bandwidth.</param>
/// <param name="Limit">What limits the bandwidth.</param>
/// <param name="MonthlyCostUsd">Monthly storage cost, or <see langword="null"/> when no verified price is known.</param>
/// <param name="Overlapped">Whether the weight I/O runs beside import and engine start (the prefetch sidecar) rather than after them.</param>
/// <param name="TailSeconds">With <paramref name="Overlapped"/>: the loader's own pass over the cached pages once both are done.</param>
public sealed record StartupPrediction(StorageOption Option, double ImagePullSeconds, double ImportSeconds, double EngineSeconds,
    double IoSeconds, double BandwidthMiBps, string Limit, double? MonthlyCostUsd, bool Overlapped = false, double TailSeconds = 0)
{
    /// <summary>
    /// Gets the predicted time from pod scheduled to ready: <c>pull + import + engine + I/O</c>, or with the prefetch
    /// sidecar <c>pull + max(import + engine, I/O) + tail</c>.
    /// </summary>
    public double TotalSeconds => ImagePullSeconds + (Overlapped ? Math.Max(ImportSeconds + EngineSeconds, IoSeconds) + TailSeconds : ImportSeconds + EngineSeconds + IoSeconds);

    /// <summary>
    /// Gets the time the seed's benchmark and ours measure, from engine start to ready (the seed's timer excluded import):
    /// <c>engine + I/O</c>, or with the sidecar started beside the engine <c>max(engine, I/O) + tail</c>.
    /// </summary>
    public double LoadSeconds => Overlapped ? Math.Max(EngineSeconds, IoSeconds) + TailSeconds : EngineSeconds + IoSeconds;
}
