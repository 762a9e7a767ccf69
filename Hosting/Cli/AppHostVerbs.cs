using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting.Cli;

/// <summary>The verbs of the AppHost command line and the operation each implies.</summary>
public static class AppHostVerbs
{
    /// <summary>Runs the model locally (the default).</summary>
    public const string Run = "run";

    /// <summary>Writes Kubernetes manifests and the GKE plan.</summary>
    public const string Publish = "publish";

    /// <summary>Predicts start-up time and storage cost.</summary>
    public const string Plan = "plan";

    /// <summary>Provisions and deploys on GKE.</summary>
    public const string Deploy = "deploy";

    /// <summary>Removes what deploy created.</summary>
    public const string Destroy = "destroy";

    /// <summary>Gets the verb named by the arguments: the first argument when it is not an option, else <see cref="Run"/>.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <returns>The verb.</returns>
    public static string GetVerb(IReadOnlyList<string> args) =>
        args.Count > 0 && !args[0].StartsWith('-') ? args[0] : Run;

    /// <summary>Gets the operation a verb implies: everything that turns the model into cloud artefacts is publish.</summary>
    /// <param name="verb">The verb.</param>
    /// <returns>The operation.</returns>
    public static DistributedApplicationOperation GetOperation(string verb) => verb switch
    {
        Publish or Plan or Deploy or Destroy => DistributedApplicationOperation.Publish,
        _ => DistributedApplicationOperation.Run,
    };
}
