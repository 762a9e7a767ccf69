using VllmAspire.Provisioner.Stages;

namespace VllmAspire.Bench;

/// <summary>A stage that takes a fixed time, standing in for a Kubernetes stage of the deploy graph.</summary>
/// <param name="name">The stage's name.</param>
/// <param name="duration">How long it takes.</param>
/// <param name="dependsOn">What it waits for (stages or plan objects).</param>
/// <param name="provides">The objects it brings about.</param>
internal sealed class SimulatedStage(string name, TimeSpan duration, IReadOnlyList<string> dependsOn, IReadOnlyList<string> provides) : IProvisioningStage
{
    public string Name { get; } = name;

    public IReadOnlyList<string> DependsOn { get; } = dependsOn;

    public IReadOnlyList<string> Provides { get; } = provides;

    public async Task<StageResult> ReconcileAsync(StageContext context, CancellationToken cancellationToken)
    {
        await Task.Delay(duration, cancellationToken).ConfigureAwait(false);
        return new StageResult(StageOutcome.Created, [$"simulated/{Name}"]);
    }

    public async Task<StageResult> DestroyAsync(StageContext context, CancellationToken cancellationToken)
    {
        await Task.Delay(duration, cancellationToken).ConfigureAwait(false);
        return new StageResult(StageOutcome.Deleted, [$"simulated/{Name}"]);
    }
}
