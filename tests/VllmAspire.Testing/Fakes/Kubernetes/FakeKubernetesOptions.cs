namespace VllmAspire.Testing.Fakes.Kubernetes;

/// <summary>How the fake cluster behaves; properties may be changed while it runs.</summary>
public sealed class FakeKubernetesOptions
{
    /// <summary>Gets or sets how long a Job runs before it completes (or fails, see <see cref="FailingJobs"/>).</summary>
    public TimeSpan JobDuration { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets the Jobs (<c>namespace/name</c>) that fail once <see cref="JobDuration"/> has passed (backoff limit exceeded).</summary>
    public HashSet<string> FailingJobs { get; } = [];

    /// <summary>Gets or sets the delay from a pod's creation to its scheduling.</summary>
    public TimeSpan ScheduleDelay { get; set; } = TimeSpan.FromMilliseconds(30);

    /// <summary>Gets or sets how long the image pull takes (also the time kubelet reports in the Pulled event).</summary>
    public TimeSpan PullDuration { get; set; } = TimeSpan.FromMilliseconds(60);

    /// <summary>Gets or sets whether images are already on the node (the secondary boot disk's cache), so nothing is pulled.</summary>
    public bool ImageAlreadyPresent { get; set; }

    /// <summary>Gets or sets the delay from the container's start to the pod being Ready (vLLM loading weights).</summary>
    public TimeSpan ReadyDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets or sets the load time vLLM writes in its log (<c>Loading weights took N seconds</c>).</summary>
    public double WeightLoadSeconds { get; set; } = 12.5;

    /// <summary>Gets or sets the memory vLLM writes in its log (<c>Model loading took N GiB</c>).</summary>
    public double WeightGib { get; set; } = 15.99;

    /// <summary>Gets or sets the torch.compile time vLLM writes in its log (<c>torch.compile takes N s in total</c>).</summary>
    public double CompileSeconds { get; set; } = 19.0;

    /// <summary>Gets or sets whether vLLM's log says the compiled graphs came from the cache.</summary>
    public bool CompileCacheHit { get; set; }

    /// <summary>Gets or sets the CUDA graph capture time vLLM writes in its log.</summary>
    public double GraphCaptureSeconds { get; set; } = 4.0;

    /// <summary>Gets or sets whether a new pod first waits for a node: FailedScheduling, then the cluster autoscaler's TriggeredScaleUp.</summary>
    public bool WaitForNewNode { get; set; }

    /// <summary>Gets or sets whether new pods stay unschedulable (no node matches their selectors).</summary>
    public bool Unschedulable { get; set; }

    /// <summary>Gets or sets whether image pulls fail (image not found).</summary>
    public bool ImagePullFails { get; set; }

    /// <summary>Gets or sets whether init containers' image pulls fail (e.g. the prefetch sidecar's image was never pushed), so the pod never initializes.</summary>
    public bool InitImagePullFails { get; set; }

    /// <summary>Gets or sets the node pods are scheduled on.</summary>
    public string NodeName { get; set; } = "gke-vllm-cluster-vllm-pool-1a2b3c4d-x7k2";

    /// <summary>Gets or sets how often the fake's controllers run.</summary>
    public TimeSpan ControllerInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Gets or sets the folder of CRDs whose custom resources the fake serves and validates.</summary>
    public string? CrdDirectory { get; set; }
}
