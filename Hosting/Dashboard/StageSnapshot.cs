using VllmAspire.Contracts.Stages;

namespace VllmAspire.Hosting.Dashboard;

/// <summary>A stage as the dashboard shows it: the events received for it, folded together.</summary>
/// <param name="Name">The stage.</param>
/// <param name="State">The latest state.</param>
/// <param name="Start">When it started, if it has.</param>
/// <param name="End">When it ended, if it has.</param>
/// <param name="Message">The latest message.</param>
/// <param name="Objects">Every object touched, in the order first reported.</param>
/// <param name="Updated">When the latest event arrived.</param>
/// <param name="Events">How many events were received for it.</param>
public sealed record StageSnapshot(
    string Name,
    string State,
    DateTimeOffset? Start,
    DateTimeOffset? End,
    string? Message,
    IReadOnlyList<string> Objects,
    DateTimeOffset Updated,
    int Events);
