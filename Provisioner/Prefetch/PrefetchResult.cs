namespace VllmAspire.Provisioner.Prefetch;

/// <summary>What a prefetch read.</summary>
/// <param name="Files">Files read.</param>
/// <param name="Bytes">Bytes read.</param>
/// <param name="Elapsed">Wall time of the reads.</param>
/// <param name="Skipped">What was left out and why.</param>
public sealed record PrefetchResult(int Files, long Bytes, TimeSpan Elapsed, IReadOnlyList<string> Skipped)
{
    /// <summary>Gets the read rate in MB/s (10^6 bytes per second).</summary>
    public double MegabytesPerSecond => Elapsed.TotalSeconds > 0 ? Bytes / 1e6 / Elapsed.TotalSeconds : 0;
}
