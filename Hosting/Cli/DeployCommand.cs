namespace VllmAspire.Hosting.Cli;

/// <summary>The <c>deploy [--dry-run]</c> verb: publish, then run the Provisioner's <c>deploy --from</c> on the output.</summary>
internal sealed class DeployCommand() : ProvisionerVerbCommand(
    AppHostVerbs.Deploy,
    "Publish the model, then provision and deploy it on GKE with live progress and a summary. Exit codes: 0 done, 1 a stage failed, 2 bad input, 130 canceled.");
