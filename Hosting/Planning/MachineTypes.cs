using System.Globalization;

namespace VllmAspire.Hosting.Planning;

/// <summary>
/// What a Compute Engine machine type can do with disks: per-VM read caps (reference/storage.md §2.1) and which
/// series attach Hyperdisk only (reference/gcp.md §7).
/// </summary>
public static class MachineTypes
{
    // gcp.md §7: these series attach Hyperdisk only, so pd-ssd/pd-balanced weights cannot be attached there.
    private static readonly string[] HyperdiskOnlyPrefixes = ["c4-", "c4a-", "c4d-", "n4-", "n4a-", "n4d-", "a3-ultragpu-", "a4-", "a4x-", "g4-"];

    /// <summary>Gets whether the machine type can attach the disk type.</summary>
    /// <param name="machineType">The machine type, e.g. <c>g2-standard-16</c>.</param>
    /// <param name="diskType">The disk type, e.g. <c>pd-ssd</c>.</param>
    /// <returns>Whether the disk can be attached.</returns>
    public static bool CanAttach(string machineType, string diskType)
    {
        ArgumentNullException.ThrowIfNull(machineType);
        ArgumentNullException.ThrowIfNull(diskType);
        var hyperdiskOnly = HyperdiskOnlyPrefixes.Any(p => machineType.StartsWith(p, StringComparison.Ordinal));
        var isPd = diskType.StartsWith("pd-", StringComparison.Ordinal);
        if (hyperdiskOnly && isPd)
        {
            return false;
        }

        // N1 with T4/V100 cannot attach Hyperdisk ML (gcp.md §6.1).
        return !(diskType == "hyperdisk-ml" && machineType.StartsWith("n1-", StringComparison.Ordinal));
    }

    /// <summary>Gets the per-VM read cap in MiB/s for persistent disk on a machine type (storage.md §2.1).</summary>
    /// <param name="machineType">The machine type.</param>
    /// <returns>The cap in MiB/s.</returns>
    public static double PersistentDiskReadCapMiBps(string machineType)
    {
        ArgumentNullException.ThrowIfNull(machineType);
        if (machineType is "a2-highgpu-1g" or "a2-ultragpu-1g")
        {
            return 800;
        }

        if (machineType.StartsWith("a2-", StringComparison.Ordinal) || machineType.StartsWith("a3-", StringComparison.Ordinal))
        {
            return 1200;
        }

        // g2, n1, n2, n2d: by vCPU count, the number after the last dash.
        var vcpus = VirtualCpus(machineType);
        return vcpus switch
        {
            < 8 => 240,
            < 16 => 800,
            _ => 1200,
        };
    }

    /// <summary>Gets the per-VM read ceiling of Hyperdisk ML in MiB/s (storage.md §2.2: ~2,400; A3 up to 4,000).</summary>
    /// <param name="machineType">The machine type.</param>
    /// <returns>The ceiling in MiB/s.</returns>
    public static double HyperdiskMlReadCapMiBps(string machineType) =>
        machineType.StartsWith("a3-", StringComparison.Ordinal) ? 4000 : 2400;

    /// <summary>
    /// Gets a GPU machine type's on-demand price per hour in USD (us-central1, GPUs included: storage.md §3 [S11]), or
    /// <see langword="null"/> when the reference has none.
    /// </summary>
    /// <param name="machineType">The machine type, e.g. <c>g2-standard-16</c>.</param>
    /// <returns>The price.</returns>
    public static double? HourlyPriceUsd(string machineType)
    {
        ArgumentNullException.ThrowIfNull(machineType);
        return machineType switch
        {
            "g2-standard-4" => 0.707,
            "g2-standard-8" => 0.854,
            "g2-standard-12" => 1.000,
            "g2-standard-16" => 1.147,
            "g2-standard-24" => 2.001,
            "g2-standard-32" => 1.734,
            "a2-highgpu-1g" => 3.673,
            "a2-ultragpu-1g" => 5.069,
            "a3-highgpu-1g" => 11.06,
            "a3-highgpu-8g" => 88.49,
            _ => null,
        };
    }

    /// <summary>Gets a machine type's memory in GiB (GB as Compute Engine lists it), or <see langword="null"/> when the series is not known here.</summary>
    /// <param name="machineType">The machine type, e.g. <c>g2-standard-16</c>.</param>
    /// <returns>The memory.</returns>
    public static double? MemoryGiB(string machineType)
    {
        ArgumentNullException.ThrowIfNull(machineType);
        var vcpus = VirtualCpus(machineType);
        return machineType switch
        {
            "a2-ultragpu-1g" => 170,
            "a3-highgpu-8g" or "a3-megagpu-8g" => 1872,
            _ when machineType.StartsWith("a2-highgpu-", StringComparison.Ordinal) && GpuCount(machineType) is { } gpus => 85 * gpus,
            _ when machineType.StartsWith("a2-megagpu-16g", StringComparison.Ordinal) => 1360,
            // g2-standard: 4 GB per vCPU; n1-standard 3.75; n2/n2d-standard 4, highmem 8, highcpu 1.
            _ when machineType.StartsWith("g2-standard-", StringComparison.Ordinal) => 4 * vcpus,
            _ when machineType.StartsWith("n1-standard-", StringComparison.Ordinal) => 3.75 * vcpus,
            _ when machineType.StartsWith("n1-highmem-", StringComparison.Ordinal) => 6.5 * vcpus,
            _ when machineType.StartsWith("n2-standard-", StringComparison.Ordinal) || machineType.StartsWith("n2d-standard-", StringComparison.Ordinal) => 4 * vcpus,
            _ when machineType.StartsWith("n2-highmem-", StringComparison.Ordinal) || machineType.StartsWith("n2d-highmem-", StringComparison.Ordinal) => 8 * vcpus,
            _ when machineType.StartsWith("n2-highcpu-", StringComparison.Ordinal) || machineType.StartsWith("n2d-highcpu-", StringComparison.Ordinal) => vcpus,
            _ => null,
        };
    }

    /// <summary>
    /// Gets the memory pods can use on a GKE node of the machine type: capacity minus GKE's reservation (25% of the
    /// first 4 GiB, 20% of the next 4, 10% of the next 8, 6% of the next 112, 2% above 128) and the 100 MiB eviction threshold.
    /// </summary>
    /// <param name="machineType">The machine type.</param>
    /// <returns>The bytes, or <see langword="null"/> when the machine type's memory is not known.</returns>
    public static long? AllocatableMemoryBytes(string machineType)
    {
        if (MemoryGiB(machineType) is not { } gib)
        {
            return null;
        }

        double reserved = 0, left = gib;
        foreach (var (band, share) in new[] { (4.0, 0.25), (4.0, 0.20), (8.0, 0.10), (112.0, 0.06), (double.MaxValue, 0.02) })
        {
            var part = Math.Min(left, band);
            reserved += part * share;
            left -= part;
        }

        return (long)((gib - reserved) * (1L << 30)) - (100L << 20);
    }

    private static int? GpuCount(string machineType) =>
        int.TryParse(machineType[(machineType.LastIndexOf('-') + 1)..].TrimEnd('g'), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static int VirtualCpus(string machineType)
    {
        var last = machineType[(machineType.LastIndexOf('-') + 1)..];
        return int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 16;
    }
}
