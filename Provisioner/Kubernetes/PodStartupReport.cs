namespace VllmAspire.Provisioner.Kubernetes;

/// <summary>
/// How one new vLLM pod started, from Kubernetes events and its container log (issue #5 item 6, issue #13). Times are absolute;
/// <see cref="PodStartupReportFormatter"/> shows them relative to <see cref="Created"/>.
/// </summary>
/// <param name="Pod">The pod's name.</param>
/// <param name="Node">The node it was scheduled on, if any.</param>
/// <param name="Created">When the pod object was created.</param>
/// <param name="Scheduled">When the scheduler bound it to a node (event <c>Scheduled</c>).</param>
/// <param name="PullStarted">When kubelet started pulling the image (event <c>Pulling</c>); <see langword="null"/> when the image was present.</param>
/// <param name="Pulled">When the image was available (event <c>Pulled</c>).</param>
/// <param name="PullDuration">The pull time kubelet reported in the <c>Pulled</c> message (<c>in 1.234s</c>); zero when the image was already present.</param>
/// <param name="ImageAlreadyPresent">Whether kubelet found the image on the node (e.g. from the secondary boot disk).</param>
/// <param name="Started">When the container started (event <c>Started</c>).</param>
/// <param name="WeightLoad">What vLLM's log said about loading the weights, if it said it yet.</param>
/// <param name="Ready">When the pod became Ready (its Ready condition's transition time).</param>
/// <param name="Phases">The start's phases in order, from events and vLLM's log (<see cref="PodStartupReporter.Phases"/>).</param>
/// <param name="Namespace">The pod's namespace.</param>
internal sealed record PodStartupReport(
    string Pod,
    string? Node,
    DateTimeOffset Created,
    DateTimeOffset? Scheduled,
    DateTimeOffset? PullStarted,
    DateTimeOffset? Pulled,
    TimeSpan? PullDuration,
    bool ImageAlreadyPresent,
    DateTimeOffset? Started,
    VllmWeightLoad? WeightLoad,
    DateTimeOffset? Ready,
    IReadOnlyList<PodStartupPhase> Phases,
    string Namespace);
