namespace VllmAspire.Hosting.Planning;

/// <summary>The kinds of weight storage the planner compares.</summary>
public enum StorageKind
{
    /// <summary>A zonal pd-ssd disk mounted ReadOnlyMany.</summary>
    PdSsd,

    /// <summary>A zonal pd-balanced disk mounted ReadOnlyMany.</summary>
    PdBalanced,

    /// <summary>A Hyperdisk ML volume (provisioned throughput, read-only many).</summary>
    HyperdiskMl,

    /// <summary>Cloud Storage through GCS FUSE with a file cache on a pd-ssd node disk.</summary>
    GcsFuseCached,

    /// <summary>Filestore Basic SSD over NFS (fixed 1,200 MiB/s tier cap).</summary>
    FilestoreBasicSsd,

    /// <summary>Filestore Zonal over NFS (260 MiB/s per TiB).</summary>
    FilestoreZonal,

    /// <summary>Filestore Basic HDD over NFS (100 MiB/s below 10 TiB, 180 MiB/s above).</summary>
    FilestoreBasicHdd,

    /// <summary>Filestore Regional over NFS (120 MiB/s per TiB up to 9.75 TiB).</summary>
    FilestoreRegional,
}
