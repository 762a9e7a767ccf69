namespace VllmAspire.Provisioner.Stages;

/// <summary>What a stage's pass did to the real state.</summary>
internal enum StageOutcome
{
    /// <summary>The real state already matched; nothing was called but reads.</summary>
    Unchanged,

    /// <summary>At least one object was created.</summary>
    Created,

    /// <summary>Existing objects were updated or replaced.</summary>
    Changed,

    /// <summary>Objects were deleted (destroy, or old objects after a model update).</summary>
    Deleted,
}
