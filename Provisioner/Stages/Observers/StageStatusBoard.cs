namespace VllmAspire.Provisioner.Stages.Observers;

/// <summary>Keeps the latest status of every stage of a run, in the order first seen (the service's <c>GET /api/stages</c>).</summary>
internal sealed class StageStatusBoard : IStageObserver
{
    private readonly Dictionary<string, StageStatus> _stages = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public void OnStageChanged(StageStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        lock (_lock)
        {
            if (!_stages.ContainsKey(status.Name))
            {
                _order.Add(status.Name);
            }

            _stages[status.Name] = status;
        }
    }

    /// <summary>Gets every stage as it is now.</summary>
    /// <returns>The stages, in the order first seen.</returns>
    public IReadOnlyList<StageStatus> GetStages()
    {
        lock (_lock)
        {
            return [.. _order.Select(n => _stages[n])];
        }
    }
}
