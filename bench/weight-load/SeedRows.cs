namespace VllmAspire.Bench.WeightLoad;

/// <summary>The seed's measured pd-ssd rows (Gemma 7B, seconds; seed/speedup-vllm-startup.txt).</summary>
public static class SeedRows
{
    /// <summary>read_ahead_kb=1024.</summary>
    /// <param name="gib">Disk size in GiB.</param>
    /// <returns>Seconds, or NaN when the seed has no row.</returns>
    public static double Ra1024(int gib) => gib switch { 512 => 112.49, 1024 => 38.00, 2048 => 29.23, _ => double.NaN };

    /// <summary>read_ahead_kb=128 (the default).</summary>
    /// <param name="gib">Disk size in GiB.</param>
    /// <returns>Seconds, or NaN when the seed has no row.</returns>
    public static double Ra128(int gib) => gib switch { 512 => 114.36, 1024 => 84.12, 2048 => 86.59, _ => double.NaN };
}
