using VllmAspire.Contracts.Stages;

namespace VllmAspire.Provisioner.Stages;

/// <summary>How one stage ended in a run.</summary>
/// <param name="Name">The stage's name.</param>
/// <param name="State">
/// <see cref="KnownStageStates.Succeeded"/> (it changed something), <see cref="KnownStageStates.Skipped"/> (nothing
/// to do, or not run: see <see cref="BlockedBy"/>), or <see cref="KnownStageStates.Failed"/>.
/// </param>
/// <param name="Outcome">What it did to the real state, when it ran to the end.</param>
/// <param name="Objects">The objects it touched.</param>
/// <param name="Message">Its summary line, or the error and what to do.</param>
/// <param name="Start">When it started, if it ran.</param>
/// <param name="End">When it ended, if it ran.</param>
/// <param name="BlockedBy">The stage whose failure kept it from running, or null.</param>
/// <param name="Canceled">Whether it was stopped, or never started, because the run was canceled.</param>
internal sealed record StageRunRecord(
    string Name,
    string State,
    StageOutcome? Outcome,
    IReadOnlyList<string> Objects,
    string? Message,
    DateTimeOffset? Start,
    DateTimeOffset? End,
    string? BlockedBy,
    bool Canceled)
{
    /// <summary>Gets how long the stage ran (zero if it did not).</summary>
    public TimeSpan Duration => Start is { } s && End is { } e ? e - s : TimeSpan.Zero;

    /// <summary>Gets a value indicating whether the stage ran to the end without error.</summary>
    public bool Completed => Outcome is not null;

    /// <summary>Gets a value indicating whether the stage never ran because a stage it waited for failed, or the run was canceled first.</summary>
    public bool NotRun => Start is null;
}
