namespace VllmAspire.Provisioner.Gcp.Container;

/// <summary>A GKE long-running operation (reference/gcp.md §1.3); only the fields we read.</summary>
internal sealed record ContainerOperation
{
    /// <summary>Gets the server-assigned ID (not a path), polled at <c>…/locations/{l}/operations/{name}</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Gets <c>PENDING</c>, <c>RUNNING</c>, <c>DONE</c> or <c>ABORTING</c>.</summary>
    public string? Status { get; init; }

    /// <summary>Gets what the operation does, e.g. <c>CREATE_NODE_POOL</c>.</summary>
    public string? OperationType { get; init; }

    /// <summary>Gets the deprecated status message, still filled in on failures.</summary>
    public string? StatusMessage { get; init; }

    /// <summary>Gets the error of a failed operation.</summary>
    public RpcStatus? Error { get; init; }
}
