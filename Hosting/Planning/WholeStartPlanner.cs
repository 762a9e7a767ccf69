using VllmAspire.VllmCatalog;

namespace VllmAspire.Hosting.Planning;

/// <summary>Which vLLM a whole-start prediction is for.</summary>
public enum VllmEra
{
    /// <summary>The seed recipe's v0.5-era vLLM: no torch.compile, graph capture inside the 15.7 s engine time (storage.md §4).</summary>
    SeedEra,

    /// <summary>A current V1 vLLM: long imports, torch.compile and CUDA-graph capture (startup-2026.md §1.1 [P5]).</summary>
    Current,
}

/// <summary>Where a new pod's start goes, phase by phase, in seconds; phases run one after another.</summary>
/// <param name="NodeSeconds">Waiting for a new GPU node (provisioning and initialisation); 0 on a warm node.</param>
/// <param name="ImagePullSeconds">Pulling the vLLM image; 0 with the image cache.</param>
/// <param name="ImportSeconds">Python and CUDA imports, configuration and model inspection.</param>
/// <param name="EngineSeconds">Engine set-up before the weights (the seed era's fitted non-I/O time, graphs included).</param>
/// <param name="WeightsSeconds">Weight loading left on the critical path: all of it without prefetch; with the prefetch sidecar, what the imports and engine set-up do not hide, plus the loader's pass over cached pages.</param>
/// <param name="CompileSeconds">torch.compile, from scratch or from the cache.</param>
/// <param name="CudaGraphSeconds">CUDA-graph capture, paid by every pod.</param>
public sealed record StartPhases(double NodeSeconds, double ImagePullSeconds, double ImportSeconds, double EngineSeconds,
    double WeightsSeconds, double CompileSeconds, double CudaGraphSeconds)
{
    /// <summary>Gets the time from the scale-out to the pod being ready: the sum of the phases.</summary>
    public double ReadySeconds => NodeSeconds + ImagePullSeconds + ImportSeconds + EngineSeconds + WeightsSeconds + CompileSeconds + CudaGraphSeconds;
}

/// <summary>
/// Predicts a scale-out pod's whole start, phase by phase, from the published numbers in <see cref="StartupReference"/>
/// and the storage model of <see cref="StartupPlanner"/> (weights per store, with or without the prefetch sidecar).
/// </summary>
public static class WholeStartPlanner
{
    /// <summary>Predicts the phases.</summary>
    /// <param name="storage">Where the weights are.</param>
    /// <param name="inputs">The workload and node; its image-cache and loader flags are used as given.</param>
    /// <param name="era">The vLLM.</param>
    /// <param name="standbyCapacity">Whether a warm node waits (<c>WithStandbyCapacity</c>), so no new node is needed.</param>
    /// <param name="compileCache">Whether the compile cache is baked with the weights (<c>WithCompileCache</c>); ignored for the seed era, which does not compile.</param>
    /// <returns>The phases.</returns>
    public static StartPhases Predict(StorageOption storage, PlannerInputs inputs, VllmEra era, bool standbyCapacity, bool compileCache)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(inputs);
        var current = era == VllmEra.Current;
        var eraInputs = inputs with
        {
            ImageSizeGiB = current ? StartupReference.CurrentImageGiB : StartupReference.SeedImageGiB,
            ImportSeconds = current ? VllmStartupDurations.ImportsSeconds : StartupReference.SeedImportSeconds,
            EngineSeconds = current ? VllmStartupDurations.EngineSeconds : StartupReference.SeedEngineSeconds,
        };
        var load = StartupPlanner.Predict(storage, eraInputs);
        // Phases before the weights hide the prefetch sidecar's reads; StartupPrediction.TotalSeconds adds up the same way.
        var hidden = load.Overlapped ? load.ImportSeconds + load.EngineSeconds : 0;
        var weights = Math.Max(0, load.IoSeconds - hidden) + load.TailSeconds;
        return new StartPhases(
            NodeSeconds: standbyCapacity ? 0 : StartupReference.NodeProvisioningSeconds + StartupReference.NodeInitSeconds,
            ImagePullSeconds: load.ImagePullSeconds,
            ImportSeconds: load.ImportSeconds,
            EngineSeconds: load.EngineSeconds,
            WeightsSeconds: weights,
            CompileSeconds: !current ? 0 : compileCache ? VllmStartupDurations.CompileCacheHitSeconds : VllmStartupDurations.CompileSeconds,
            CudaGraphSeconds: current ? VllmStartupDurations.GraphCaptureSeconds : 0);
    }

    /// <summary>Gets what warm standby nodes cost a month: nodes per zone × zones × the machine's hourly price × 730 h.</summary>
    /// <param name="machineType">The pool's machine type.</param>
    /// <param name="nodesPerZone">Warm nodes per zone.</param>
    /// <param name="zones">Zones.</param>
    /// <returns>The cost in USD, or <see langword="null"/> when the machine's price is not in the reference.</returns>
    public static double? StandbyMonthlyCostUsd(string machineType, int nodesPerZone, int zones) =>
        MachineTypes.HourlyPriceUsd(machineType) is { } hourly ? hourly * StartupReference.HoursPerMonth * nodesPerZone * zones : null;
}
