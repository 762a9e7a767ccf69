namespace VllmAspire.Provisioner.Gcp;

/// <summary>Retries of transient Google API errors: exponential backoff with jitter.</summary>
internal sealed class GcpRetryOptions
{
    /// <summary>Gets or sets how many times a failed call is retried.</summary>
    public int MaxRetryAttempts { get; set; } = 8;

    /// <summary>Gets or sets the first backoff delay; later ones double, with jitter.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest backoff delay.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);
}
