using VllmAspire.Contracts.Stages;

namespace VllmAspire.Provisioner.Stages;

/// <summary>A stage's state at one moment of a run, as observers receive it.</summary>
/// <param name="Name">The stage's name.</param>
/// <param name="State">One of <see cref="KnownStageStates"/>.</param>
/// <param name="Start">When it started running, once it has.</param>
/// <param name="End">When it ended, once it has.</param>
/// <param name="Message">What it is doing, what it did, or why it failed or did not run.</param>
/// <param name="Objects">The objects it has touched so far.</param>
internal sealed record StageStatus(
    string Name,
    string State,
    DateTimeOffset? Start,
    DateTimeOffset? End,
    string? Message,
    IReadOnlyList<string> Objects)
{
    /// <summary>Converts the status to the event the dashboard receives.</summary>
    /// <returns>The event.</returns>
    public StageEvent ToEvent() => new(Name, State, Start, End, Message, Objects.Count > 0 ? Objects : null);
}
