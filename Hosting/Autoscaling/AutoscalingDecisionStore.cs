namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>One local autoscaler decision for a resource.</summary>
/// <param name="Resource">The scaled resource.</param>
/// <param name="Decision">The decision with its inputs.</param>
public sealed record AutoscalingDecision(string Resource, HpaDecision Decision);

/// <summary>
/// The local autoscaler's recent decisions, newest last (bounded, in memory, as the controller's own history):
/// read by the dashboard's autoscaling page and by tests.
/// </summary>
public sealed class AutoscalingDecisionStore
{
    /// <summary>How many decisions are kept.</summary>
    public const int Capacity = 2000;

    private readonly LinkedList<AutoscalingDecision> _decisions = new();

    /// <summary>Raised after a decision is added.</summary>
    public event Action<AutoscalingDecision>? Added;

    /// <summary>Adds a decision, dropping the oldest beyond <see cref="Capacity"/>.</summary>
    /// <param name="decision">The decision.</param>
    public void Add(AutoscalingDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        lock (_decisions)
        {
            _decisions.AddLast(decision);
            if (_decisions.Count > Capacity)
            {
                _decisions.RemoveFirst();
            }
        }

        Added?.Invoke(decision);
    }

    /// <summary>Gets the kept decisions, oldest first.</summary>
    /// <param name="resource">Only this resource's, when given.</param>
    /// <returns>The decisions.</returns>
    public IReadOnlyList<AutoscalingDecision> GetDecisions(string? resource = null)
    {
        lock (_decisions)
        {
            return [.. _decisions.Where(d => resource is null || d.Resource == resource)];
        }
    }
}
