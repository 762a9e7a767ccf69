namespace VllmAspire.Testing.Processes;

/// <summary>How a <see cref="TestProcess"/> starts.</summary>
public sealed record TestProcessOptions
{
    /// <summary>Gets the working directory; the test's own when null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>
    /// Gets the prefixes of inherited environment variables to drop (case-insensitive), so the child sees only what
    /// the test sets of the contract under test (e.g. <c>ASPNETCORE_</c>, <c>OTEL_</c>).
    /// </summary>
    public IReadOnlyList<string> RemovedVariablePrefixes { get; init; } = [];

    /// <summary>Gets variables to set after the removal; a null value removes the variable.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();
}
