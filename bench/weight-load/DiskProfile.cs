using System.Globalization;

namespace VllmAspire.Bench.WeightLoad;

/// <summary>
/// A pd-ssd disk as reference/storage.md §2.1 and §4 model it, and its emulation on slowdisk at a smaller scale.
/// Real: cap = min(240 + 0.48 MiB/s per GiB, 1,200 MiB/s VM cap), F = 15.7 s of engine start, D = 16,289 MiB.
/// Emulated: the throughput cap divided by <see cref="Scale"/> and the per-request latency multiplied by it (the
/// slowdisk README's rule), with fewer bytes; every time then shrinks by <see cref="TimeScale"/>.
/// </summary>
/// <param name="Name">The profile name.</param>
/// <param name="SizeGiB">The disk size in GiB.</param>
/// <param name="Scale">k: how many times slower the emulated disk's cap is than the real one.</param>
/// <param name="LatencyMicroseconds">The emulated per-request latency (calibrated against the seed's 2 TiB RA128 row).</param>
/// <param name="ModelBytes">The emulated model's size in bytes.</param>
/// <param name="SeedRa1024Seconds">The seed's measured time at read_ahead_kb=1024.</param>
/// <param name="SeedRa128Seconds">The seed's measured time at read_ahead_kb=128.</param>
/// <param name="MaxRequestKb">The largest request slowdisk accepts; the kernel splits larger reads and read-ahead windows into requests of this size that run at once, as the block layer splits a window into max_sectors_kb requests on a PD.</param>
public sealed record DiskProfile(string Name, int SizeGiB, double Scale, int LatencyMicroseconds, long ModelBytes, double SeedRa1024Seconds, double SeedRa128Seconds, int MaxRequestKb = 1024)
{
    /// <summary>The seed's engine time that does no I/O (storage.md §4.2 model B).</summary>
    public const double SeedEngineSeconds = 15.7;

    /// <summary>The seed's model size: Gemma 7B, 16,289 MiB.</summary>
    public const double SeedModelMiB = 16_289;

    /// <summary>The per-VM pd-ssd read cap of the seed's node (g2-standard-16 or larger).</summary>
    public const double VmCapMiBps = 1_200;

    /// <summary>Gets the real disk's read cap in MiB/s: baseline plus per-GiB, clipped to the VM cap.</summary>
    public double CapMiBps => Math.Min(240 + 0.48 * SizeGiB, VmCapMiBps);

    /// <summary>Gets slowdisk's <c>--mbps</c> (10^6 bytes per second).</summary>
    public int EmulatedMbps => (int)Math.Round(CapMiBps * 1.048576 / Scale);

    /// <summary>Gets how much shorter every emulated time is than the real one: (bytes ratio) × k.</summary>
    public double TimeScale => ModelBytes / (SeedModelMiB * 1024 * 1024) * Scale;

    /// <summary>Gets the emulated engine start (vLLM's imports and GPU set-up), scaled like the I/O.</summary>
    public double EngineStartSeconds => SeedEngineSeconds * TimeScale;

    /// <summary>Converts an emulated time to the seed's scale.</summary>
    /// <param name="seconds">The emulated time.</param>
    /// <returns>The time at the seed's scale.</returns>
    public double ToSeedScale(double seconds) => seconds / TimeScale;

    /// <summary>Gets the slowdisk arguments.</summary>
    /// <returns>The arguments after SRC and MOUNT.</returns>
    public string[] SlowdiskArgs() =>
    [
        "--latency-us=" + LatencyMicroseconds.ToString(CultureInfo.InvariantCulture),
        "--mbps=" + EmulatedMbps.ToString(CultureInfo.InvariantCulture),
        "--max-read-kb=" + MaxRequestKb.ToString(CultureInfo.InvariantCulture),
    ];
}
