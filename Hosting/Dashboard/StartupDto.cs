namespace VllmAspire.Hosting.Dashboard;

/// <summary>One start of one vLLM replica, phase by phase, as <c>GET /api/startup</c> returns it.</summary>
/// <param name="Resource">The vLLM resource.</param>
/// <param name="Replica">The replica (its pod name locally).</param>
/// <param name="ProcessId">The process that started.</param>
/// <param name="State">The replica's state now, or <c>Replaced</c> once a newer start of it exists.</param>
/// <param name="ProcessStartedAt">When the process started.</param>
/// <param name="EngineStartSeconds">Process start to the start of weight loading (V1 logs only; V0 does not say when loading began).</param>
/// <param name="WeightLoadSeconds">How long loading the weights took, from vLLM's <c>Loading weights took N seconds</c>.</param>
/// <param name="WeightGiB">The weights' size, from <c>Model loading took N GiB</c> (V1) or <c>Loading model weights took N GB</c> (V0).</param>
/// <param name="WeightsLoadedAt">When the weights were loaded (the log line's time).</param>
/// <param name="ReadyAt">When the replica first answered its health check.</param>
/// <param name="ReadySeconds">Process start to ready.</param>
public sealed record StartupDto(
    string Resource,
    string Replica,
    int? ProcessId,
    string State,
    DateTimeOffset ProcessStartedAt,
    double? EngineStartSeconds,
    double? WeightLoadSeconds,
    double? WeightGiB,
    DateTimeOffset? WeightsLoadedAt,
    DateTimeOffset? ReadyAt,
    double? ReadySeconds);
