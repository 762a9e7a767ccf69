namespace VllmAspire.Hosting.Planning;

/// <summary>What the planner needs to know about the workload and the node.</summary>
public sealed record PlannerInputs
{
    /// <summary>The seed's weights: Gemma 7B in bf16, 16,289 MiB (storage.md §1).</summary>
    public const double SeedWeightsMiB = 16289;

    /// <summary>Gets the size of the weights in MiB.</summary>
    public double WeightsMiB { get; init; } = SeedWeightsMiB;

    /// <summary>Gets the node's machine type (sets the per-VM disk read cap).</summary>
    public string MachineType { get; init; } = "g2-standard-16";

    /// <summary>Gets whether the node pool has the image cache (secondary boot disk), so the image is not pulled.</summary>
    public bool ImageCached { get; init; }

    /// <summary>Gets the compressed size of the vLLM image in GiB (storage.md §7: ~12 GiB for recent images).</summary>
    public double ImageSizeGiB { get; init; } = 12;

    /// <summary>Gets the number of zones that each need their own copy of a zonal volume.</summary>
    public int Zones { get; init; } = 1;

    /// <summary>Gets how many nodes load from one shared volume at once during a scale-out.</summary>
    public int ConcurrentNodes { get; init; } = 1;

    /// <summary>Gets the engine's non-I/O start time: 15.7 s fitted for the seed's vLLM/L4/2-CPU setup (storage.md §4.2).</summary>
    public double EngineSeconds { get; init; } = 15.7;

    /// <summary>Gets the Python import time before the engine starts (storage.md §4.4, ~6 s).</summary>
    public double ImportSeconds { get; init; } = 6;

    /// <summary>Gets whether a parallel reader (runai_streamer, multi-threaded load) keeps enough I/O in flight to reach the storage cap, once the engine has started.</summary>
    public bool ParallelReader { get; init; }

    /// <summary>
    /// Gets whether the prefetch sidecar reads the weights from container start, in parallel, while vLLM imports and
    /// starts its engine: the I/O reaches the storage cap and overlaps the engine start (docs/benchmarks.md, "Weight loading").
    /// </summary>
    public bool PrefetchSidecar { get; init; }
}
