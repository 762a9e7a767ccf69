namespace VllmAspire.Provisioner.Gcp.Compute;

/// <summary>One page of a Compute list call.</summary>
internal sealed record ComputeList
{
    /// <summary>Gets the items (absent when there are none).</summary>
    public IReadOnlyList<ComputeResource>? Items { get; init; }

    /// <summary>Gets the token for the next page, if any.</summary>
    public string? NextPageToken { get; init; }
}
