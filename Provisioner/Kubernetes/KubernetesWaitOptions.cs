namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>How long and how often the provisioner waits for the cluster.</summary>
internal sealed class KubernetesWaitOptions
{
    /// <summary>Gets how often a wait reads the object again.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets how long a weights-bake Job may run (a 2 TiB copy from GCS takes a while).</summary>
    public TimeSpan JobTimeout { get; init; } = TimeSpan.FromMinutes(90);

    /// <summary>Gets how long a Deployment rollout may take (node scale-up, image pull and weight load included).</summary>
    public TimeSpan RolloutTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Gets how long a claim may take to bind to its pre-bound volume.</summary>
    public TimeSpan ClaimBindTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets how long a deleted object may take to disappear (finalizers, dependents).</summary>
    public TimeSpan DeletionTimeout { get; init; } = TimeSpan.FromMinutes(10);
}
