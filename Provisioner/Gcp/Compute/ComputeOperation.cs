namespace VllmAspire.Provisioner.Gcp.Compute;

/// <summary>A Compute Engine long-running operation (reference/gcp.md §2.2); only the fields we read.</summary>
internal sealed record ComputeOperation
{
    /// <summary>Gets the operation's name, used in its <c>get</c>/<c>wait</c> URL.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the zone URL for a zonal operation.</summary>
    public string? Zone { get; init; }

    /// <summary>Gets the region URL for a regional operation.</summary>
    public string? Region { get; init; }

    /// <summary>Gets what the operation does, e.g. <c>insert</c>.</summary>
    public string? OperationType { get; init; }

    /// <summary>Gets the URL of the object the operation is about.</summary>
    public string? TargetLink { get; init; }

    /// <summary>Gets <c>PENDING</c>, <c>RUNNING</c> or <c>DONE</c>.</summary>
    public string? Status { get; init; }

    /// <summary>Gets the progress, 0–100 (not linear).</summary>
    public int? Progress { get; init; }

    /// <summary>Gets the HTTP status the failed operation would have answered.</summary>
    public int? HttpErrorStatusCode { get; init; }

    /// <summary>Gets the errors, set when a DONE operation failed.</summary>
    public ComputeOperationError? Error { get; init; }

    /// <summary>Gets a value indicating whether the operation has finished.</summary>
    public bool IsDone => Status == "DONE";
}
