using Aspire.Hosting.Testing;
using VllmAspire.Testing.Aspire;

namespace VllmAspire.AppHost.Tests;

/// <summary>
/// The repository's AppHost as <c>dotnet run --project AppHost</c> runs it, with Aspire's dashboard, on Aspire's testing
/// host with its own data folder, shared by the tests of <see cref="AppHostCollection"/>. The autoscaler keeps two vLLM
/// replicas running (<c>Vllm:MinReplicas</c>), so every per-replica promise is checked on more than one; the other
/// declared replicas stay NotStarted until it needs them.
/// </summary>
public sealed class LocalRunFixture : IAsyncLifetime
{
    /// <summary>The vLLM resource's most replicas (AppHost/Program.cs, Vllm:MaxReplicas).</summary>
    public const int MaxReplicas = 5;

    /// <summary>The replicas running during the tests.</summary>
    public const int RunningReplicas = 2;

    public RunningApp Run { get; private set; } = null!;

    /// <summary>Gets the ids of the running vLLM replicas: the ones the autoscaler started, whatever their last health check said.</summary>
    public IReadOnlyList<string> RunningReplicaIds =>
        [.. Run.Replicas("vllm").Where(r => r.Snapshot.State?.Text == Aspire.Hosting.ApplicationModel.KnownResourceStates.Running).Select(r => r.ResourceId)];

    public async ValueTask InitializeAsync()
    {
        Run = await RunningApp.StartAsync(typeof(Projects.AppHost), new DistributedApplicationTestingBuilderOptions { EnableDashboard = true },
            $"--Vllm:MinReplicas={RunningReplicas}");
        await Run.WaitUntilAsync(
            app => app.Replicas("vllm").Count(r => RunningApp.IsHealthy(r.Snapshot)) == RunningReplicas && app.Replicas("vllm").Count == MaxReplicas,
            $"{RunningReplicas} healthy vLLM replicas beside the ones the autoscaler has not started");
    }

    public async ValueTask DisposeAsync()
    {
        if (Run is not null)
        {
            await Run.DisposeAsync();
        }
    }
}
