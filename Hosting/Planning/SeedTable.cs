namespace VllmAspire.Hosting.Planning;

/// <summary>
/// The recipe's measured weight-load table (Gemma 7B, ~16 GB; seed "Performance evaluations") and the planner's
/// predictions for each row, run through <see cref="StartupPlanner"/> with the seed's setup (storage.md §1).
/// </summary>
public static class SeedTable
{
    /// <summary>The largest relative error for which the model counts as explaining a row.</summary>
    public const double Tolerance = 0.10;

    /// <summary>The seed's node: model B of storage.md §4.2 implies a 1,200 MiB/s PD cap (g2-standard-16 or larger).</summary>
    public static PlannerInputs SeedInputs { get; } = new() { MachineType = "g2-standard-16", ImageCached = true, ImportSeconds = 0 };

    /// <summary>Gets the measured rows.</summary>
    public static IReadOnlyList<SeedRow> Rows { get; } =
    [
        new("GCSFuse, 100GB pd-balanced cache, RA128", new(StorageKind.GcsFuseCached, 100, 128, CacheDiskType: "pd-balanced"), 137.06888,
            "The cache disk also carries the image and logs, so the FUSE cache reads below the disk's cap (storage.md §4.3)."),
        new("GCSFuse, 1T pd-ssd cache, RA1024", new(StorageKind.GcsFuseCached, 1024, 1024), 81.59027293795953, null),
        new("GCSFuse, 1T pd-ssd cache, RA128", new(StorageKind.GcsFuseCached, 1024, 128), 77.48203204700258, null),
        new("PV, 0.5T pd-ssd, RA1024", new(StorageKind.PdSsd, 512, 1024), 112.49156787904212,
            "Reads at ~165 MiB/s with either read-ahead, a third of the documented cap: lazy hydration of a disk restored from an image, a smaller or pd-balanced disk, or a noisy single run (storage.md §4.3)."),
        new("PV, 0.5T pd-ssd, RA128", new(StorageKind.PdSsd, 512, 128), 114.35550174105447,
            "Same 0.5 TiB anomaly as the RA1024 row (storage.md §4.3)."),
        new("PV, 1T pd-ssd, RA1024", new(StorageKind.PdSsd, 1024, 1024), 38.00010781598394, null),
        new("PV, 1T pd-ssd, RA128", new(StorageKind.PdSsd, 1024, 128), 84.12003243801882, null),
        new("PV, 2T pd-ssd, RA1024", new(StorageKind.PdSsd, 2048, 1024), 29.2281584230077, null),
        new("PV, 2T pd-ssd, RA128", new(StorageKind.PdSsd, 2048, 128), 86.59166808301234, null),
        new("NFS, 2.5T Basic-SSD, RA16384", new(StorageKind.FilestoreBasicSsd, 2560, 16384), 29.446771587, null),
        new("NFS, 2.5T Basic-SSD, RA1024", new(StorageKind.FilestoreBasicSsd, 2560, 1024), 71.699842115, null),
        new("NFS, 2.5T Basic-SSD, RA128", new(StorageKind.FilestoreBasicSsd, 2560, 128), 115.49353002902353, null),
        new("NFS, 1T Zonal, RA1024", new(StorageKind.FilestoreZonal, 1024, 1024), 52.83657205896452,
            "Faster than the documented 260 MiB/s per TiB allows even with no engine time: client or server caching between runs, or a different tier or size then (storage.md §4.3)."),
        new("NFS, 1T Zonal, RA128", new(StorageKind.FilestoreZonal, 1024, 128), 212.9237892589881, null),
    ];

    /// <summary>
    /// The weight-load benchmark's prefetch-sidecar cases converted to the seed's scale (docs/benchmarks.md, "Weight
    /// loading": slowdisk profiles of pd-ssd 1 and 2 TiB, the sidecar started with the engine), the overlap model's evidence.
    /// </summary>
    public static IReadOnlyList<SeedRow> PrefetchBenchmarkRows { get; } =
    [
        new("bench: PV, 1T pd-ssd, RA128 + prefetch sidecar", new(StorageKind.PdSsd, 1024, 128), 23.1, null),
        new("bench: PV, 1T pd-ssd, RA1024 + prefetch sidecar", new(StorageKind.PdSsd, 1024, 1024), 23.3, null),
        new("bench: PV, 2T pd-ssd, RA128 + prefetch sidecar", new(StorageKind.PdSsd, 2048, 128), 16.4, null),
        new("bench: PV, 2T pd-ssd, RA1024 + prefetch sidecar", new(StorageKind.PdSsd, 2048, 1024), 16.4, null),
    ];

    /// <summary>Predicts the benchmark's prefetch-sidecar rows with the seed's setup and the overlap model.</summary>
    /// <returns>Each row with its prediction.</returns>
    public static IReadOnlyList<SeedComparison> ExplainPrefetchBenchmark() =>
        PrefetchBenchmarkRows.Select(r => new SeedComparison(r, StartupPlanner.Predict(r.Option, SeedInputs with { PrefetchSidecar = true }))).ToList();

    /// <summary>Predicts every row with the seed's setup.</summary>
    /// <returns>Each row with its prediction.</returns>
    public static IReadOnlyList<SeedComparison> Explain() =>
        Rows.Select(r => new SeedComparison(r, StartupPlanner.Predict(r.Option, SeedInputs))).ToList();
}

/// <summary>A measured row of the seed's table.</summary>
/// <param name="Label">The row as the seed names it.</param>
/// <param name="Option">The storage it used.</param>
/// <param name="MeasuredSeconds">The measured load time.</param>
/// <param name="KnownCause">Why the model may not explain it (storage.md §4.3), when the reference names candidates.</param>
public sealed record SeedRow(string Label, StorageOption Option, double MeasuredSeconds, string? KnownCause);

/// <summary>A seed row beside the planner's prediction.</summary>
/// <param name="Row">The measured row.</param>
/// <param name="Prediction">The prediction.</param>
public sealed record SeedComparison(SeedRow Row, StartupPrediction Prediction)
{
    /// <summary>Gets the relative error of the predicted load time.</summary>
    public double RelativeError => (Prediction.LoadSeconds - Row.MeasuredSeconds) / Row.MeasuredSeconds;

    /// <summary>Gets whether the prediction is within <see cref="SeedTable.Tolerance"/> of the measurement.</summary>
    public bool Explained => Math.Abs(RelativeError) <= SeedTable.Tolerance;
}
