namespace VllmAspire.Hosting.Planning;

/// <summary>One way to store the weights: what the planner predicts start-up time and cost for.</summary>
/// <param name="Kind">The storage kind.</param>
/// <param name="SizeGiB">The provisioned size in GiB (the cache disk for GCS FUSE).</param>
/// <param name="ReadAheadKb">The mount's <c>read_ahead_kb</c>.</param>
/// <param name="ProvisionedMiBps">Provisioned throughput (Hyperdisk ML only).</param>
/// <param name="CacheDiskType">The node disk that holds the GCS FUSE file cache (GCS FUSE only).</param>
public sealed record StorageOption(StorageKind Kind, int SizeGiB, int ReadAheadKb, int ProvisionedMiBps = 0, string CacheDiskType = "pd-ssd")
{
    /// <summary>Gets a short label, e.g. <c>pd-ssd 2048 GiB RA1024</c>.</summary>
    public string Label => Kind switch
    {
        StorageKind.PdSsd => $"pd-ssd {SizeGiB} GiB, RA {ReadAheadKb}",
        StorageKind.PdBalanced => $"pd-balanced {SizeGiB} GiB, RA {ReadAheadKb}",
        StorageKind.HyperdiskMl => $"hyperdisk-ml {SizeGiB} GiB @ {ProvisionedMiBps} MiB/s",
        StorageKind.GcsFuseCached => $"GCS FUSE, {SizeGiB} GiB {CacheDiskType} cache",
        StorageKind.FilestoreBasicSsd => $"Filestore Basic SSD {SizeGiB} GiB, RA {ReadAheadKb}",
        StorageKind.FilestoreZonal => $"Filestore Zonal {SizeGiB} GiB, RA {ReadAheadKb}",
        StorageKind.FilestoreBasicHdd => $"Filestore Basic HDD {SizeGiB} GiB, RA {ReadAheadKb}",
        StorageKind.FilestoreRegional => $"Filestore Regional {SizeGiB} GiB, RA {ReadAheadKb}",
        _ => Kind.ToString(),
    };
}
