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

    private static int VirtualCpus(string machineType)
    {
        var last = machineType[(machineType.LastIndexOf('-') + 1)..];
        return int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 16;
    }
}
