namespace VllmAspire.Provisioner.Gcp.Container;

/// <summary>The answer of <c>nodePools.list</c>.</summary>
internal sealed record NodePoolList
{
    /// <summary>Gets the pools (absent when there are none).</summary>
    public IReadOnlyList<NodePool>? NodePools { get; init; }
}
