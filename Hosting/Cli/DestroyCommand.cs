namespace VllmAspire.Hosting.Cli;

/// <summary>The <c>destroy [--dry-run]</c> verb: publish, then run the Provisioner's <c>destroy --from</c> on the output.</summary>
internal sealed class DestroyCommand() : ProvisionerVerbCommand(
    AppHostVerbs.Destroy,
    "Publish the model, then delete what deploy created on GKE (found by its labels), in reverse order. Exit codes as deploy.");
