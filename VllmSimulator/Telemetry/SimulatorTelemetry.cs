using System.Diagnostics;

namespace VllmAspire.VllmSimulator.Telemetry;

/// <summary>
/// The simulator's OpenTelemetry names: one ActivitySource for its start-up traces and request spans, one Meter for the
/// start-up histogram and vLLM's metrics. Both are registered with the host's OpenTelemetry providers, which export over
/// OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (ServiceDefaults).
/// </summary>
public static class SimulatorTelemetry
{
    /// <summary>The name of the ActivitySource and the Meter.</summary>
    public const string Name = "VllmAspire.VllmSimulator";

    /// <summary>The source of the start-up traces and the <c>llm_request</c> spans.</summary>
    public static ActivitySource Source { get; } = new(Name);
}
