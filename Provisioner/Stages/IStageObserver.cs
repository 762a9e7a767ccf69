namespace VllmAspire.Provisioner.Stages;

/// <summary>
/// Receives every state change of every stage during a run (the terminal's progress, the dashboard). Calls come one
/// at a time, in the order the changes happened; an observer must return quickly and must not throw.
/// </summary>
internal interface IStageObserver
{
    /// <summary>Called when a stage changes state or reports progress.</summary>
    /// <param name="status">The stage as it is now.</param>
    void OnStageChanged(StageStatus status);
}
