namespace VllmAspire.Hosting.Planning;

/// <summary>
/// Predicts pod start-up time and monthly storage cost with the calibrated model of reference/storage.md §4.4:
/// <c>T = T_pull + T_import + F + D / min(storage cap, VM cap, client cap)</c>, prices from §3 (us-central1). With the
/// prefetch sidecar the reads start with the container and overlap import and engine start, as measured in
/// docs/benchmarks.md: <c>T = T_pull + max(T_import + F, D / min(storage cap, VM cap)) + T_tail</c>.
/// </summary>
public static class StartupPlanner
{
    // storage.md §4.2: one mmap loader thread keeps about one read-ahead window in flight, 0.534 ms each on PD.
    private const double PdWindowLatencySeconds = 0.000534;

    // storage.md §4.3: FUSE serves ≤128 KiB requests, 0.49 ms each.
    private const double FuseRequestMiB = 0.125;
    private const double FuseLatencySeconds = 0.00049;

    // storage.md §4.3: NFS per-RPC latency L(s) = a + s / 327 MiB/s with 1 MiB rsize; a fitted per tier.
    private const double NfsRsizeMiB = 1;
    private const double NfsTransferMiBps = 327;
    private const double BasicSsdRpcOverheadSeconds = 0.00038;
    private const double ZonalRpcOverheadSeconds = 0.001128;

    // docs/benchmarks.md: once the prefetch is done, vLLM's loader walks cached pages (and copies them to the GPU) at
    // memory speed; ~1 s for the seed's 16,289 MiB, the benchmark's 0.17 s tail at its scale being 0.67 s.
    private const double CachedLoadMiBps = PlannerInputs.SeedWeightsMiB;

    // storage.md §7: a plain pull of a 10 GiB image takes 4–10 min on a fresh node; the fast end is used.
    private const double ImagePullMiBps = 10 * 1024 / 240.0;

    /// <summary>Predicts start-up time and cost for one storage option.</summary>
    /// <param name="option">The storage option.</param>
    /// <param name="inputs">The workload and node.</param>
    /// <returns>The prediction.</returns>
    public static StartupPrediction Predict(StorageOption option, PlannerInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(option);
        ArgumentNullException.ThrowIfNull(inputs);
        var nodes = Math.Max(1, inputs.ConcurrentNodes);
        var (storageCap, storageLimit) = StorageCap(option, inputs.MachineType, nodes);
        // A parallel reader (the sidecar's 16 reads of 16 MiB in flight, or vLLM's own) is not bound by read-ahead / latency.
        var (clientCap, clientLimit) = inputs.ParallelReader || inputs.PrefetchSidecar ? (double.PositiveInfinity, "parallel reader") : ClientCap(option);
        var (bandwidth, limit) = storageCap <= clientCap ? (storageCap, storageLimit) : (clientCap, clientLimit);
        var pull = inputs.ImageCached ? 0 : inputs.ImageSizeGiB * 1024 / ImagePullMiBps;
        return new StartupPrediction(option, pull, inputs.ImportSeconds, inputs.EngineSeconds, inputs.WeightsMiB / bandwidth,
            bandwidth, limit, MonthlyCost(option, inputs, nodes), Overlapped: inputs.PrefetchSidecar,
            TailSeconds: inputs.PrefetchSidecar ? inputs.WeightsMiB / CachedLoadMiBps : 0);
    }

    /// <summary>Predicts every option and marks the cheapest one (with a known price) that meets the target.</summary>
    /// <param name="options">The options.</param>
    /// <param name="inputs">The workload and node.</param>
    /// <param name="targetSeconds">The start-up target, or <see langword="null"/> for none.</param>
    /// <returns>The predictions, and the cheapest option meeting the target when there is one.</returns>
    public static (IReadOnlyList<StartupPrediction> Predictions, StartupPrediction? Cheapest) Compare(
        IEnumerable<StorageOption> options, PlannerInputs inputs, double? targetSeconds)
    {
        ArgumentNullException.ThrowIfNull(options);
        var predictions = options.Select(o => Predict(o, inputs)).ToList();
        var cheapest = targetSeconds is { } target
            ? predictions.Where(p => p.TotalSeconds <= target && p.MonthlyCostUsd is not null).MinBy(p => p.MonthlyCostUsd)
            : null;
        return (predictions, cheapest);
    }

    /// <summary>The alternatives the plan compares with the configured storage (storage.md §3–4).</summary>
    /// <param name="readAheadKb">The read-ahead used for block and NFS options.</param>
    /// <param name="weightsMiB">The weights' size; Hyperdisk ML is sized to hold them.</param>
    /// <returns>The options.</returns>
    public static IReadOnlyList<StorageOption> Alternatives(int readAheadKb, double weightsMiB)
    {
        var hyperdiskGiB = Math.Max(64, (int)Math.Ceiling(weightsMiB / 1024 * 1.1));
        return
        [
            new(StorageKind.PdBalanced, 1024, readAheadKb),
            new(StorageKind.PdBalanced, 2048, readAheadKb),
            new(StorageKind.PdSsd, 512, readAheadKb),
            new(StorageKind.PdSsd, 1024, readAheadKb),
            new(StorageKind.PdSsd, 2048, readAheadKb),
            new(StorageKind.HyperdiskMl, hyperdiskGiB, readAheadKb, ProvisionedMiBps: 1200),
            new(StorageKind.HyperdiskMl, hyperdiskGiB, readAheadKb, ProvisionedMiBps: 2400),
            new(StorageKind.GcsFuseCached, 1024, readAheadKb),
            new(StorageKind.FilestoreBasicSsd, 2560, Math.Max(readAheadKb, 16384)),
            new(StorageKind.FilestoreZonal, 1024, readAheadKb),
            new(StorageKind.FilestoreRegional, 1024, readAheadKb),
            new(StorageKind.FilestoreBasicHdd, 1024, readAheadKb),
        ];
    }

    private static (double Cap, string Limit) StorageCap(StorageOption option, string machineType, int nodes)
    {
        var vmCap = MachineTypes.PersistentDiskReadCapMiBps(machineType);
        (double Cap, string Limit) Min((double Cap, string Limit) storage, double vm, string vmLimit) =>
            storage.Cap <= vm ? storage : (vm, vmLimit);

        switch (option.Kind)
        {
            case StorageKind.PdSsd:
            case StorageKind.PdBalanced:
                // gcpdiag: baseline per VM plus a per-GiB part that nodes reading at once share (storage.md §2.1).
                var (baseline, perGiB) = PdRates(option.Kind == StorageKind.PdSsd ? "pd-ssd" : "pd-balanced");
                return Min((baseline + perGiB * option.SizeGiB / nodes, "disk size"), vmCap, $"VM cap ({machineType})");
            case StorageKind.HyperdiskMl:
                return Min(((double)option.ProvisionedMiBps / nodes, "provisioned throughput"),
                    MachineTypes.HyperdiskMlReadCapMiBps(machineType), $"VM cap ({machineType})");
            case StorageKind.GcsFuseCached:
                var (cacheBaseline, cachePerGiB) = PdRates(option.CacheDiskType);
                return Min((cacheBaseline + cachePerGiB * option.SizeGiB, "cache disk"), vmCap, $"VM cap ({machineType})");
            case StorageKind.FilestoreBasicSsd:
                return (1200.0 / nodes, "Basic SSD tier cap");
            case StorageKind.FilestoreZonal:
                return (260.0 * option.SizeGiB / 1024 / nodes, "Zonal 260 MiB/s per TiB");
            case StorageKind.FilestoreBasicHdd:
                return ((option.SizeGiB < 10 * 1024 ? 100.0 : 180.0) / nodes, "Basic HDD tier cap");
            case StorageKind.FilestoreRegional:
                return (120.0 * option.SizeGiB / 1024 / nodes, "Regional 120 MiB/s per TiB");
            default:
                throw new ArgumentOutOfRangeException(nameof(option), option.Kind, "Unknown storage kind.");
        }
    }

    private static (double Baseline, double PerGiB) PdRates(string diskType) => diskType switch
    {
        "pd-ssd" => (240, 0.48),
        "pd-balanced" => (140, 0.28),
        "pd-standard" => (0, 0.12),
        _ => throw new ArgumentOutOfRangeException(nameof(diskType), diskType, "Use pd-ssd, pd-balanced or pd-standard."),
    };

    private static (double Cap, string Limit) ClientCap(StorageOption option)
    {
        var readAheadMiB = option.ReadAheadKb / 1024.0;
        switch (option.Kind)
        {
            case StorageKind.GcsFuseCached:
                return (FuseRequestMiB / FuseLatencySeconds, "FUSE 128 KiB requests");
            case StorageKind.FilestoreBasicSsd:
            case StorageKind.FilestoreZonal:
            case StorageKind.FilestoreBasicHdd:
            case StorageKind.FilestoreRegional:
                // Only Basic SSD's RPC latency is fitted on its own rows; the others use Zonal's larger fit (storage.md §4.3).
                // A read-ahead window becomes RA/rsize RPCs in flight, each of min(RA, rsize).
                var overhead = option.Kind == StorageKind.FilestoreBasicSsd ? BasicSsdRpcOverheadSeconds : ZonalRpcOverheadSeconds;
                var rpcMiB = Math.Min(readAheadMiB, NfsRsizeMiB);
                var inFlight = Math.Max(1, readAheadMiB / NfsRsizeMiB);
                return (rpcMiB * inFlight / (overhead + rpcMiB / NfsTransferMiBps), $"NFS read-ahead {option.ReadAheadKb} KiB");
            default:
                return (readAheadMiB / PdWindowLatencySeconds, $"read-ahead {option.ReadAheadKb} KiB");
        }
    }

    private static double? MonthlyCost(StorageOption option, PlannerInputs inputs, int nodes) => option.Kind switch
    {
        // storage.md §3, us-central1 list prices; one read-only volume per zone.
        StorageKind.PdSsd => 0.17 * option.SizeGiB * inputs.Zones,
        StorageKind.PdBalanced => 0.10 * option.SizeGiB * inputs.Zones,
        StorageKind.HyperdiskMl => (0.080 * option.SizeGiB + 0.12 * option.ProvisionedMiBps) * inputs.Zones,
        StorageKind.GcsFuseCached => 0.020 * inputs.WeightsMiB / 1024 + (option.CacheDiskType == "pd-ssd" ? 0.17 : 0.10) * option.SizeGiB * nodes,
        // storage.md §3: ~$0.20/GiB-mo from the pricing page's Basic HDD example.
        StorageKind.FilestoreBasicHdd => 0.20 * option.SizeGiB,
        // Filestore Basic SSD, Zonal and Regional prices are unverified in the reference: no number rather than a guess.
        _ => null,
    };
}
