namespace VllmAspire.Provisioner.Gcp.Compute;

/// <summary>The <c>error</c> of a failed Compute operation.</summary>
internal sealed record ComputeOperationError
{
    /// <summary>Gets the errors, e.g. <c>{code: QUOTA_EXCEEDED, message}</c>.</summary>
    public IReadOnlyList<ComputeOperationErrorItem> Errors { get; init; } = [];
}
