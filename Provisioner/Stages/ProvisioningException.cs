namespace VllmAspire.Provisioner.Stages;

/// <summary>
/// A permanent error that stops a stage (and its dependents): it names the object, the API's reason and what the
/// user can do about it. Transient errors (429, 5xx, operation conflicts) are retried below the stages and never
/// surface as this exception unless the retries run out.
/// </summary>
internal sealed class ProvisioningException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ProvisioningException"/> class.</summary>
    /// <param name="resource">The object the failing call was about, e.g. <c>projects/p/zones/z/disks/d</c>.</param>
    /// <param name="reason">What the API said, with its status and reason, e.g. <c>403 Forbidden (accessNotConfigured): Compute Engine API has not been used…</c>.</param>
    /// <param name="fix">What the user can do, e.g. <c>enable the API with gcloud services enable compute.googleapis.com</c>.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    public ProvisioningException(string resource, string reason, string fix, Exception? innerException = null)
        : base($"{resource}: {reason}. {fix}", innerException)
    {
        Resource = resource;
        Reason = reason;
        Fix = fix;
    }

    /// <summary>Gets the object the failing call was about.</summary>
    public string Resource { get; }

    /// <summary>Gets what the API said.</summary>
    public string Reason { get; }

    /// <summary>Gets what the user can do.</summary>
    public string Fix { get; }
}
