using Microsoft.Extensions.Configuration;

namespace VllmAspire.Hosting.Orchestration;

/// <summary>How often health is checked and how long a process gets to stop.</summary>
/// <param name="HealthyInterval">Between checks of a healthy replica (Aspire: 30 s).</param>
/// <param name="UnhealthyInterval">Between checks of an unhealthy replica (Aspire: 1 s).</param>
/// <param name="StopGrace">From SIGTERM to SIGKILL; keeps the whole shutdown within 10 s.</param>
internal sealed record OrchestratorOptions(TimeSpan HealthyInterval, TimeSpan UnhealthyInterval, TimeSpan StopGrace)
{
    /// <summary>Reads <c>AppHost:HealthChecks:HealthyIntervalSeconds</c>, <c>…:UnhealthyIntervalSeconds</c> and <c>AppHost:StopGraceSeconds</c>.</summary>
    public static OrchestratorOptions FromConfiguration(IConfiguration configuration) => new(
        TimeSpan.FromSeconds(configuration.GetValue("AppHost:HealthChecks:HealthyIntervalSeconds", 30.0)),
        TimeSpan.FromSeconds(configuration.GetValue("AppHost:HealthChecks:UnhealthyIntervalSeconds", 1.0)),
        TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue("AppHost:StopGraceSeconds", 5.0), 0.5, 7)));
}
