namespace VllmAspire.Provisioner.Api;

/// <summary>The body of <c>POST /api/deploy</c> and <c>POST /api/destroy</c>; both fields are optional.</summary>
/// <param name="From">The published folder; by default <c>Provisioner:PublishedPath</c>.</param>
/// <param name="DryRun">Whether stages only report what they would change.</param>
internal sealed record RunRequest(string? From = null, bool DryRun = false);
