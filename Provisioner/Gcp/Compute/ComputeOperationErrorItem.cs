namespace VllmAspire.Provisioner.Gcp.Compute;

/// <summary>One error of a failed Compute operation.</summary>
internal sealed record ComputeOperationErrorItem
{
    /// <summary>Gets the error code, e.g. <c>QUOTA_EXCEEDED</c> or <c>RESOURCE_NOT_FOUND</c>.</summary>
    public string? Code { get; init; }

    /// <summary>Gets the message.</summary>
    public string? Message { get; init; }
}
