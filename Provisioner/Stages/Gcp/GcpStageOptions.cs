using VllmAspire.Contracts.Plan;

namespace VllmAspire.Provisioner.Stages.Gcp;

/// <summary>Timings of the GCP stages (configuration section <c>Gcp:Stages</c>); tests shorten them.</summary>
internal sealed class GcpStageOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Gcp:Stages";

    /// <summary>Gets or sets how long the image-cache builder VM may take to print <see cref="ImageCacheSentinels.Done"/>.</summary>
    public TimeSpan BuilderTimeout { get; set; } = TimeSpan.FromMinutes(40);

    /// <summary>Gets or sets how often the builder VM's serial port is read (gke-disk-image-builder uses 10 s).</summary>
    public TimeSpan SerialPollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how often an object that is still being created (or a disk still attached) is looked at again.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long an object may stay in a transitional state (CREATING, PROVISIONING, attached) before the stage fails.</summary>
    public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Gets or sets how long cleanup of the builder VM and disk may take after a failure or cancellation.</summary>
    public TimeSpan CleanupTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets how many times an IAM read-modify-write is redone after a concurrent change (409 ABORTED).</summary>
    public int IamMaxAttempts { get; set; } = 8;

    /// <summary>Gets or sets the first backoff delay between IAM attempts; later ones double, with jitter.</summary>
    public TimeSpan IamBaseDelay { get; set; } = TimeSpan.FromSeconds(1);
}
