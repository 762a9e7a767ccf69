namespace VllmAspire.Contracts.Stages;

/// <summary>
/// What a provisioning stage reports (<c>POST /api/stages/events</c>): its state now, when it started and ended, a
/// message, and the cloud or Kubernetes objects it touched.
/// </summary>
/// <param name="Name">The stage, e.g. <c>node-pool</c>.</param>
/// <param name="State">One of <see cref="KnownStageStates"/>.</param>
/// <param name="Start">When the stage started; defaults to the time the event arrives for a running stage.</param>
/// <param name="End">When the stage ended; defaults to the time the event arrives for an ended stage.</param>
/// <param name="Message">What the stage is doing, or why it failed and what to do.</param>
/// <param name="Objects">The objects touched, e.g. <c>compute/v1/projects/p/zones/z/disks/weights-a</c>.</param>
public sealed record StageEvent(
    string Name,
    string State,
    DateTimeOffset? Start = null,
    DateTimeOffset? End = null,
    string? Message = null,
    IReadOnlyList<string>? Objects = null);
