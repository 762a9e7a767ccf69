namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Publishes model weights as a read-only persistent disk per zone, created from a baked disk image and mounted
/// ReadOnlyMany with the given read-ahead (reference/gcp.md §5.1).
/// </summary>
/// <param name="DiskType">The disk type, e.g. <c>pd-ssd</c>, <c>pd-balanced</c>.</param>
/// <param name="SizeGb">The disk size in GB as Compute Engine counts them (GiB); throughput grows with it (reference/storage.md §2.1).</param>
/// <param name="ReadAheadKb">The block device read-ahead (<c>read_ahead_kb</c> mount option), a positive multiple of 4.</param>
public sealed record PersistentDiskAnnotation(string DiskType, int SizeGb, int ReadAheadKb) : IResourceAnnotation;
