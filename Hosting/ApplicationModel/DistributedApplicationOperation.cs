namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>The operations an AppHost performs on its model.</summary>
public enum DistributedApplicationOperation
{
    /// <summary>Run every resource locally.</summary>
    Run,

    /// <summary>Turn the model into cloud artefacts (publish, plan, deploy, destroy).</summary>
    Publish,
}
