using System.Globalization;
using VllmAspire.Hosting.Planning;

namespace VllmAspire.Hosting.Autoscaling;

/// <summary>
/// HPA settings derived from a pod's start-up and a queue-latency target (<c>aspire do plan</c> prints one;
/// <c>WithAutoscaling(min, max, recommendation)</c> applies it). The reasoning, in the plan and README:
/// <list type="bullet">
/// <item>A scale-out helps only after the reaction time <c>R = HPA sync (15 s) + metric interval + start-up</c>.</item>
/// <item>If the load steps up to <c>burst</c> × what the pods serve just as the queue reaches the target <c>w</c>,
/// each pod's queue grows by <c>(burst − 1) · μ · R</c> before help arrives, so the last request waits
/// <c>w / μ + (burst − 1) · R</c>. Keeping that within the latency target <c>L</c> gives
/// <c>w = μ · (L − (burst − 1) · R)</c> waiting requests per pod, the HPA's AverageValue of
/// <c>vllm:num_requests_waiting</c>. When that is below 1, no target meets <c>L</c>: the target is 1 (scale at the
/// first queue, as Google's fast-start reference architecture does [P3]) and the largest burst the start-up allows,
/// <c>1 + L / R</c>, is reported, so the start-up must shrink (standby capacity, image and compile caches) or
/// <c>minReplicas</c> grow.</item>
/// <item>Scale up at once (no stabilisation, up to doubling every sync period): a pod added late costs a whole start-up.
/// Scale down no sooner than a replacement could start (<c>R</c>, at least the HPA's default 300 s), one pod a minute.</item>
/// </list>
/// </summary>
/// <param name="AverageValue">The HPA's target: waiting requests per pod.</param>
/// <param name="Behavior">The HPA's scale-up and scale-down behaviour.</param>
/// <param name="ReactionSeconds">The reaction time <c>R</c>.</param>
/// <param name="LargestBurst">The largest load step (× current) whose queue still waits within the target.</param>
/// <param name="MeetsTarget">Whether the burst given is within <paramref name="LargestBurst"/>.</param>
public sealed record AutoscalingRecommendation(double AverageValue, HpaBehavior Behavior, double ReactionSeconds, double LargestBurst, bool MeetsTarget)
{
    /// <summary>The metric the recommendation is for.</summary>
    public const string Metric = "vllm:num_requests_waiting";

    /// <summary>The load step the plan assumes unless told otherwise: 1.5× (the simulation in reference/startup-2026.md §2.2 [P12]).</summary>
    public const double DefaultBurst = 1.5;

    /// <summary>The queue-wait target the plan assumes unless told otherwise: 10 s (the same simulation's SLO [P12]).</summary>
    public const double DefaultQueueLatencySeconds = 10;

    /// <summary>Derives the recommendation.</summary>
    /// <param name="startupSeconds">The predicted (or measured) start-up of a scale-out pod, node included when one is needed.</param>
    /// <param name="queueLatencySeconds">The longest a request may wait in vLLM's queue.</param>
    /// <param name="podRequestsPerSecond">The requests a pod completes per second at full load (μ); measure it under the dashboard's Generate load command.</param>
    /// <param name="burst">The load step to absorb, × the current load (at least 1).</param>
    /// <param name="metricIntervalSeconds">How often the metric is scraped (the published PodMonitoring's 15 s).</param>
    /// <returns>The recommendation.</returns>
    /// <example>
    /// <code lang="csharp">
    /// builder.AddVllm("vllm", image: "vllm/vllm-openai:v0.10.1").WithModel(weights)
    ///     .WithAutoscaling(1, 5, AutoscalingRecommendation.Create(startupSeconds: 75, queueLatencySeconds: 30, podRequestsPerSecond: 2));
    /// </code>
    /// </example>
    public static AutoscalingRecommendation Create(double startupSeconds, double queueLatencySeconds, double podRequestsPerSecond,
        double burst = DefaultBurst, double metricIntervalSeconds = 15)
    {
        Require(startupSeconds >= 0, nameof(startupSeconds), startupSeconds, "at least 0");
        Require(queueLatencySeconds > 0, nameof(queueLatencySeconds), queueLatencySeconds, "above 0");
        Require(podRequestsPerSecond > 0, nameof(podRequestsPerSecond), podRequestsPerSecond, "above 0 (measure a pod's completed requests per second under load)");
        Require(burst >= 1, nameof(burst), burst, "at least 1 (1.5 means the load steps up by half)");
        Require(metricIntervalSeconds >= 0, nameof(metricIntervalSeconds), metricIntervalSeconds, "at least 0");

        var reaction = StartupReference.HpaSyncSeconds + metricIntervalSeconds + startupSeconds;
        // Rounded to 6 decimals first, so 1.1 − 1 (0.10000000000000009) does not floor 42 to 41.
        var queue = Math.Round(podRequestsPerSecond * (queueLatencySeconds - (burst - 1) * reaction), 6);
        var scaleDownWindow = (int)Math.Clamp(Math.Ceiling(reaction), 300, 3600);
        var behavior = new HpaBehavior(
            ScaleUp: new HpaScalingRules(StabilizationWindowSeconds: 0, SelectPolicy: HpaSelectPolicy.Max,
                Policies: [new HpaScalingPolicy(HpaPolicyType.Percent, 100, (int)StartupReference.HpaSyncSeconds)]),
            ScaleDown: new HpaScalingRules(StabilizationWindowSeconds: scaleDownWindow, SelectPolicy: HpaSelectPolicy.Max,
                Policies: [new HpaScalingPolicy(HpaPolicyType.Pods, 1, 60)]));
        return new AutoscalingRecommendation(Math.Max(1, Math.Floor(queue)), behavior, reaction, 1 + queueLatencySeconds / reaction, queue >= 1);
    }

    private static void Require(bool ok, string name, double value, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} = {value.ToString(CultureInfo.InvariantCulture)} must be {rule}.");
        }
    }
}
