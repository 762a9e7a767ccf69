using VllmAspire.Provisioner.Stages;

namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>
/// A stage whose work is a delegate, recording "start" and "end" of each reconcile or destroy in a <see cref="CallLog"/>.
/// By default it creates one object named after itself, and destroy deletes it.
/// </summary>
internal sealed class TestStage(string name, CallLog log, params string[] dependsOn) : IProvisioningStage
{
    public string Name { get; } = name;

    public IReadOnlyList<string> DependsOn { get; } = dependsOn;

    public IReadOnlyList<string> Provides { get; init; } = [];

    public Func<StageContext, CancellationToken, Task<StageResult>>? Reconcile { get; init; }

    public Func<StageContext, CancellationToken, Task<StageResult>>? Destroy { get; init; }

    public string Object => $"test/{Name}";

    public async Task<StageResult> ReconcileAsync(StageContext context, CancellationToken cancellationToken)
    {
        log.Add(Name, "reconcile-start");
        try
        {
            return Reconcile is null
                ? new StageResult(StageOutcome.Created, [Object], "created 1 object")
                : await Reconcile(context, cancellationToken);
        }
        finally
        {
            log.Add(Name, "reconcile-end");
        }
    }

    public async Task<StageResult> DestroyAsync(StageContext context, CancellationToken cancellationToken)
    {
        log.Add(Name, "destroy-start");
        try
        {
            return Destroy is null
                ? new StageResult(StageOutcome.Deleted, [Object], "deleted 1 object")
                : await Destroy(context, cancellationToken);
        }
        finally
        {
            log.Add(Name, "destroy-end");
        }
    }
}
