namespace VllmAspire.Provisioner.Stages;

/// <summary>What every stage of one deploy or destroy run shares.</summary>
internal sealed class StageContext
{
    /// <summary>Gets a value indicating whether stages only observe and report what they would change.</summary>
    public required bool DryRun { get; init; }

    /// <summary>Gets the labels every object we create carries, e.g. <c>app.kubernetes.io/part-of: vllm-aspire</c> and the app's name.</summary>
    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    /// <summary>Gets where a stage reports progress while it waits, e.g. <c>operation-123 RUNNING 40%</c>.</summary>
    public required IProgress<StageProgress> Progress { get; init; }

    /// <summary>Gets the services the stages use: the GCP and Kubernetes clients, the time provider, logging.</summary>
    public required IServiceProvider Services { get; init; }
}

/// <summary>A progress note from a running stage.</summary>
/// <param name="Stage">The stage's name.</param>
/// <param name="Message">What it is doing now.</param>
/// <param name="Objects">Objects it has touched so far.</param>
internal sealed record StageProgress(string Stage, string Message, IReadOnlyList<string>? Objects = null);
