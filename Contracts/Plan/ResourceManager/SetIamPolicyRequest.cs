namespace VllmAspire.Contracts.Plan.ResourceManager;

/// <summary>
/// The body of Resource Manager's <c>projects.setIamPolicy</c> (schema <c>SetIamPolicyRequest</c>, reference/gcp.md §4).
/// In the plan, <see cref="Policy"/> holds only the bindings to add: deploy adds them to the project's current policy
/// (read with its etag), keeping every other binding.
/// </summary>
public sealed record SetIamPolicyRequest
{
    /// <summary>The default update mask: the bindings, guarded by the etag.</summary>
    public const string BindingsAndEtag = "bindings,etag";

    /// <summary>Gets the policy.</summary>
    public required Policy Policy { get; init; }

    /// <summary>Gets the fields to write.</summary>
    public string? UpdateMask { get; init; }
}

/// <summary>An IAM policy (schema <c>Policy</c>).</summary>
public sealed record Policy
{
    /// <summary>Gets the policy version; 3 keeps conditional bindings intact.</summary>
    public int? Version { get; init; }

    /// <summary>Gets the role bindings.</summary>
    public IReadOnlyList<Binding> Bindings { get; init; } = [];
}

/// <summary>One role granted to members (schema <c>Binding</c>).</summary>
public sealed record Binding
{
    /// <summary>Gets the role, e.g. <c>roles/storage.objectViewer</c>.</summary>
    public required string Role { get; init; }

    /// <summary>Gets the members, e.g. a Workload Identity <c>principal://…</c>.</summary>
    public IReadOnlyList<string> Members { get; init; } = [];
}
