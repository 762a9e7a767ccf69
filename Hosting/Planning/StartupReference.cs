namespace VllmAspire.Hosting.Planning;

/// <summary>
/// The published durations the whole-start plan uses besides vLLM's own phases (those are
/// <see cref="VllmAspire.VllmCatalog.VllmStartupDurations"/>, shared with the simulator), each with its source key in
/// reference/startup-2026.md (<c>[Pn]</c>) or reference/storage.md (<c>§n</c>, <c>[Sn]</c>). They are other people's
/// measurements on other hardware, not ours: the plan says so beside every table that uses them.
/// </summary>
public static class StartupReference
{
    /// <summary>A new GPU node's provisioning, when a scale-out needs one: 284 s in the one measured case [P30] (AKS, A100).</summary>
    public const double NodeProvisioningSeconds = 284;

    /// <summary>The new node's initialisation before pods run (drivers, kubelet): 126 s in the same case [P30].</summary>
    public const double NodeInitSeconds = 126;

    /// <summary>The seed-era vLLM's Python import: ~6 s (storage.md §4.4).</summary>
    public const double SeedImportSeconds = 6;

    /// <summary>The seed-era vLLM's non-I/O engine time, graph capture included (no torch.compile): 15.7 s fitted (storage.md §4.2).</summary>
    public const double SeedEngineSeconds = 15.7;

    /// <summary>The seed-era image, ~5 GB compressed (storage.md §7 [S23]).</summary>
    public const double SeedImageGiB = 5;

    /// <summary>A current image, ~12 GB compressed (storage.md §7 [S23]).</summary>
    public const double CurrentImageGiB = 12;

    /// <summary>The HPA controller's sync period: 15 s (reference/metrics.md §4.1).</summary>
    public const double HpaSyncSeconds = 15;

    /// <summary>Hours in a month for list prices (730 h).</summary>
    public const double HoursPerMonth = 730;
}
