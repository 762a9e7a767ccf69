namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>One phase of a pod's start: from Kubernetes (scheduling, node provisioning, image pull) or from vLLM's log.</summary>
/// <param name="Name">The phase's span name (<see cref="PodStartupPhases"/>, or <see cref="VllmCatalog.VllmStartupTelemetry.SpanName"/>).</param>
/// <param name="Start">When it began.</param>
/// <param name="End">When it ended.</param>
/// <param name="Attributes">What is known about it (weights GiB, compile-cache hit, image already present).</param>
internal sealed record PodStartupPhase(string Name, DateTimeOffset Start, DateTimeOffset End, IReadOnlyDictionary<string, object> Attributes)
{
    /// <summary>Gets how long it took.</summary>
    public TimeSpan Duration => End - Start;
}

/// <summary>The names of the pod-level phases before vLLM's own.</summary>
internal static class PodStartupPhases
{
    /// <summary>Created until bound to a node, or until the cluster autoscaler was asked for one.</summary>
    public const string Scheduling = "scheduling";

    /// <summary><c>TriggeredScaleUp</c> until the pod was scheduled on the new node.</summary>
    public const string NodeProvisioning = "node provisioning";

    /// <summary><c>Pulling</c> until <c>Pulled</c> (zero when the image was on the node).</summary>
    public const string ImagePull = "image pull";

    /// <summary>Whether kubelet found the image on the node (attribute of the image-pull phase).</summary>
    public const string ImageAlreadyPresentAttribute = "container.image.already_present";
}
