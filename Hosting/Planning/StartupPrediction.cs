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
public sealed record StartupPrediction(StorageOption Option, double ImagePullSeconds, double ImportSeconds, double EngineSeconds,
    double IoSeconds, double BandwidthMiBps, string Limit, double? MonthlyCostUsd)
{
    /// <summary>Gets the predicted time from pod scheduled to ready.</summary>
    public double TotalSeconds => ImagePullSeconds + ImportSeconds + EngineSeconds + IoSeconds;

    /// <summary>Gets the time the seed's benchmark measured: engine time plus weight I/O (its timer excluded import).</summary>
    public double LoadSeconds => EngineSeconds + IoSeconds;
}
