namespace VllmAspire.Provisioner.Stages;

/// <summary>
/// One provisioning stage: a reconciler for a few cloud or Kubernetes objects. Each pass observes the real state,
/// computes the difference from the desired state, acts, and waits for the work to finish, so running it again
/// changes nothing. Stages form a graph (<see cref="DependsOn"/>); the runner starts a stage once every dependency
/// has succeeded and runs independent stages in parallel.
/// </summary>
internal interface IProvisioningStage
{
    /// <summary>Gets the stage's name, unique in a deployment, e.g. <c>node-pool-vllm-pool</c>.</summary>
    string Name { get; }

    /// <summary>Gets the names of the stages that must have succeeded before this one starts.</summary>
    IReadOnlyList<string> DependsOn { get; }

    /// <summary>
    /// Gets the objects this stage brings about, as the plan names them (a plan step ID such as <c>gemma-7b-image</c>,
    /// or <c>kubernetes/Kind/namespace/name</c>), so another stage's <see cref="DependsOn"/> may name an object instead
    /// of a stage.
    /// </summary>
    IReadOnlyList<string> Provides { get; }

    /// <summary>Brings the real state to the desired state (or, with <see cref="StageContext.DryRun"/>, says what it would change).</summary>
    /// <param name="context">The deployment's clients, progress sink and options.</param>
    /// <param name="cancellationToken">Cancels the stage; whatever it created stays labelled, so a rerun adopts it.</param>
    /// <returns>What the stage did.</returns>
    /// <exception cref="ProvisioningException">A permanent error: the stage and its dependents stop.</exception>
    Task<StageResult> ReconcileAsync(StageContext context, CancellationToken cancellationToken);

    /// <summary>Deletes what this stage creates, found by our labels; deleting what is already gone is not an error.</summary>
    /// <param name="context">The deployment's clients, progress sink and options.</param>
    /// <param name="cancellationToken">Cancels the stage.</param>
    /// <returns>What the stage deleted.</returns>
    /// <exception cref="ProvisioningException">A permanent error: the stage and the stages it depends on stop.</exception>
    Task<StageResult> DestroyAsync(StageContext context, CancellationToken cancellationToken);
}
