using VllmAspire.Contracts.Stages;

namespace VllmAspire.Provisioner.Api;

/// <summary>The service's last or current run (<c>GET /api/run</c>).</summary>
/// <param name="Mode"><c>deploy</c> or <c>destroy</c>.</param>
/// <param name="From">The published folder.</param>
/// <param name="DryRun">Whether it is a dry run.</param>
/// <param name="State"><see cref="KnownStageStates.Running"/>, <see cref="KnownStageStates.Succeeded"/> or <see cref="KnownStageStates.Failed"/>.</param>
/// <param name="Start">When it started.</param>
/// <param name="End">When it ended, once it has.</param>
/// <param name="Summary">The summary line once it has ended.</param>
internal sealed record RunInfo(string Mode, string From, bool DryRun, string State, DateTimeOffset Start, DateTimeOffset? End, string? Summary);
