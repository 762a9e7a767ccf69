using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace VllmAspire.TestService;

/// <summary>
/// Healthy only while the file named by <c>TEST_HEALTH_FILE</c> exists (always healthy when it is unset), so tests
/// flip health by creating or deleting a file instead of waiting on timers.
/// </summary>
/// <param name="path">The file whose existence means healthy, or <see langword="null"/> for always healthy.</param>
internal sealed class FileHealthCheck(string? path) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(path is null || File.Exists(path)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"The health file {path} does not exist."));
}
