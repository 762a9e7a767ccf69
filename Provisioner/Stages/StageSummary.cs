namespace VllmAspire.Provisioner.Stages;

/// <summary>
/// One provisioning stage as <c>GET /api/stages</c> reports it. The stage model arrives with the stages themselves;
/// until then the list is empty and only the name is fixed.
/// </summary>
/// <param name="Name">The stage's name.</param>
internal sealed record StageSummary(string Name);
