namespace VllmAspire.Provisioner.Stages;

/// <summary>What a stage's pass did.</summary>
/// <param name="Outcome">The change to the real state.</param>
/// <param name="Objects">The objects the stage touched, as resource paths, e.g. <c>compute/v1/projects/p/zones/z/disks/d</c> or <c>kubernetes/Deployment/vllm/vllm</c>.</param>
/// <param name="Message">A one-line summary for the user, e.g. <c>created 2 disks</c> or, on a dry run, what would change.</param>
internal sealed record StageResult(StageOutcome Outcome, IReadOnlyList<string> Objects, string? Message = null)
{
    /// <summary>A pass that found nothing to do.</summary>
    /// <param name="objects">The objects observed.</param>
    /// <returns>The result.</returns>
    public static StageResult Unchanged(params IReadOnlyList<string> objects) => new(StageOutcome.Unchanged, objects, "up to date");
}
