namespace VllmAspire.Provisioner.Gcp.Container;

/// <summary>A <c>google.rpc.Status</c>: the error of a failed GKE operation.</summary>
internal sealed record RpcStatus
{
    /// <summary>Gets the canonical code (e.g. 8 for RESOURCE_EXHAUSTED).</summary>
    public int Code { get; init; }

    /// <summary>Gets the message.</summary>
    public string? Message { get; init; }
}
