namespace VllmAspire.Provisioner.Stages;

/// <summary>Which way a run goes through the stage graph.</summary>
internal enum StageRunMode
{
    /// <summary>Reconcile every stage, each after its dependencies.</summary>
    Deploy,

    /// <summary>Destroy every stage, each after the stages that depend on it.</summary>
    Destroy,
}
