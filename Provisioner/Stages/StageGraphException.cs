namespace VllmAspire.Provisioner.Stages;

/// <summary>
/// The stages do not form a valid graph: a duplicate name, a dependency that no stage is or provides, or a cycle.
/// The message names the stages involved. This is a defect in how the stages were composed, so nothing runs.
/// </summary>
internal sealed class StageGraphException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="StageGraphException"/> class.</summary>
    /// <param name="message">What is wrong, naming the stages.</param>
    public StageGraphException(string message)
        : base(message)
    {
    }
}
