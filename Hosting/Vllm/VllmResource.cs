namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>
/// A vLLM OpenAI-compatible server. Published, it is the vLLM container on a GPU node pool; locally it runs as
/// VllmSimulator, which serves the same API and metrics and loads the same weights, without a GPU.
/// </summary>
/// <param name="name">The resource name.</param>
/// <param name="simulator">The simulator project that stands in for vLLM locally.</param>
public sealed class VllmResource(string name, IProjectMetadata simulator) : ProjectResource(name, simulator)
{
    /// <summary>The name of the HTTP endpoint.</summary>
    public const string HttpEndpointName = "http";

    /// <summary>The port the vLLM container listens on when published.</summary>
    public const int ContainerPort = 8000;

    /// <summary>Gets or sets the model's weights.</summary>
    public ModelWeightsResource? Weights { get; set; }

    /// <summary>Gets or sets the name clients use in requests; the weights' name by default.</summary>
    public string? ServedModelName { get; set; }

    /// <summary>Gets or sets vLLM's <c>--max-num-seqs</c>: how many requests run at once; the rest wait.</summary>
    public int? MaxNumSeqs { get; set; }

    /// <summary>Gets or sets the simulated time to first token (local run only).</summary>
    public TimeSpan TimeToFirstToken { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Gets or sets the simulated time per output token (local run only).</summary>
    public TimeSpan TimePerOutputToken { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Gets or sets the simulated engine start before weight loading (local run only; vLLM spends it on imports and GPU set-up).</summary>
    public TimeSpan EngineStart { get; set; }

    /// <summary>Gets the vLLM version, from the image tag (<c>v0.10.1</c> → <c>0.10.1</c>).</summary>
    public string Version => this.TryGetLastAnnotation<ContainerImageAnnotation>(out var image) ? image.Tag.TrimStart('v') : "latest";

    /// <summary>Gets the endpoint clients use.</summary>
    public EndpointReference HttpEndpoint => new(this, HttpEndpointName);
}
