using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using VllmAspire.Testing.Aspire;

namespace VllmAspire.Autoscaling.Tests;

/// <summary>
/// The rehearsal a user runs: the real AppHost, the <c>generate-load</c> command on the <c>vllm-hpa</c> resource, the
/// metrics adapter and the local HPA starting and stopping vLLM replicas.
/// </summary>
public sealed partial class LocalAutoscalingRehearsalTests
{
    [Fact]
    public async Task Load_scales_vllm_out_to_a_new_healthy_replica_and_after_the_stabilisation_window_back_to_one()
    {
        await using var run = await RunningApp.StartAsync(typeof(Projects.AppHost),
            "--Autoscaling:SyncPeriod=00:00:02", "--Autoscaling:DownscaleStabilization=00:00:15");
        await run.WaitUntilAsync(
            app => Healthy(app) == 1 && app.Replicas("metrics-adapter").Any(r => RunningApp.IsHealthy(r.Snapshot))
                && app.Replicas("vllm-hpa").Any(r => r.Snapshot.Properties.Any(p => p.Name == "hpa.reason")),
            "one healthy vLLM replica, the adapter and a first decision");

        var load = run.App.ResourceCommands.ExecuteCommandAsync("vllm-hpa", "generate-load", new InteractionInputCollection(
        [
            new InteractionInput { Name = "rate", InputType = InputType.Number, Value = "30" },
            new InteractionInput { Name = "duration", InputType = InputType.Text, Value = "45s" },
        ]));

        // The decision to scale out shows on the HPA resource, live, with its reason; the new replica pays its start-up.
        var scaling = await run.WaitForAsync("vllm-hpa", s => s.State?.Text?.StartsWith("Scaling 1 →", StringComparison.Ordinal) == true, "a scale-out decision", TimeSpan.FromMinutes(2));
        Assert.Equal("vllm:num_requests_waiting above target", Property(scaling, "hpa.reason"));
        await run.WaitUntilAsync(app => Healthy(app) >= 2, "a second healthy vLLM replica", TimeSpan.FromMinutes(2));

        var result = await load.WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(result.Success, result.Message);
        Assert.Matches(AchievedLine(), result.Message);

        // Idle again: the proposal drops to one at once, the replicas follow only once the window lets them.
        await run.WaitUntilAsync(app => Started(app) == 1 && Healthy(app) == 1, "a scale-in to one replica", TimeSpan.FromMinutes(3));
        var decisions = (await run.LogsAsync("vllm-hpa")).Select(l => (Line: l, Match: DecisionLine().Match(l))).Where(d => d.Match.Success).ToList();
        Assert.Contains(decisions, d => N(d.Match, "proposal") < N(d.Match, "current") && N(d.Match, "desired") == N(d.Match, "current") && N(d.Match, "current") > 1);
        Assert.Contains(decisions, d => N(d.Match, "desired") < N(d.Match, "current") && d.Line.EndsWith("All metrics below target", StringComparison.Ordinal));
        // Its next decision finds the replicas matching, and it is Running again.
        await run.WaitForAsync("vllm-hpa", s => s.State?.Text == KnownResourceStates.Running && Property(s, "hpa.replicas") == "1 → 1", "Running at 1 → 1");
    }

    private static int Healthy(RunningApp app) => app.Replicas("vllm").Count(r => RunningApp.IsHealthy(r.Snapshot));

    private static int Started(RunningApp app) => app.Replicas("vllm").Count(r =>
        r.Snapshot.State?.Text is { } state && state != KnownResourceStates.NotStarted && !KnownResourceStates.TerminalStates.Contains(state));

    private static int N(Match decision, string group) => int.Parse(decision.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static string? Property(ResourceEvent e, string name) => Property(e.Snapshot, name);

    private static string? Property(CustomResourceSnapshot s, string name) => s.Properties.FirstOrDefault(p => p.Name == name)?.Value?.ToString();

    [GeneratedRegex(@"Achieved \d+\.\d\d req/s \(\d+ ok of \d+ sent, \d+ failed\); latency p50 \d+ ms, p90 \d+ ms, p99 \d+ ms")]
    private static partial Regex AchievedLine();

    [GeneratedRegex(@"proposal (?<proposal>\d+), stabilised (?<stabilized>[\d-]+), replicas (?<current>\d+) -> (?<desired>\d+)")]
    private static partial Regex DecisionLine();
}
