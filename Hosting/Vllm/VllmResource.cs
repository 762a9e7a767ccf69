namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A vLLM OpenAI-compatible server. Published, it is the vLLM container on a GPU node pool; locally it runs as
/// VllmSimulator, a .NET project that serves the same API and metrics and loads the same weights, without a GPU.
/// </summary>
/// <param name="name">The resource name.</param>
public sealed class VllmResource(string name) : ProjectResource(name)
{
    /// <summary>The name of the HTTP endpoint.</summary>
    public const string HttpEndpointName = "http";

    /// <summary>The port the vLLM container listens on when published.</summary>
    public const int ContainerPort = 8000;

    /// <summary>
    /// The environment variable that carries each local replica's own port: every replica listens on its own port
    /// behind the endpoint's shared proxy, and Prometheus and the metrics adapter scrape each one there.
    /// </summary>
    public const string PortEnvironmentVariable = "PORT";

    private EndpointReference? _httpEndpoint;

    /// <summary>Gets the model's weights, set by <c>WithModel</c>.</summary>
    public ModelWeightsResource? Weights { get; internal set; }

    /// <summary>Gets the name clients use in requests; the weights' name by default.</summary>
    public string? ServedModelName { get; internal set; }

    /// <summary>Gets vLLM's <c>--max-num-seqs</c>: how many requests run at once; the rest wait.</summary>
    public int? MaxNumSeqs { get; internal set; }

    /// <summary>Gets the vLLM image and the version it runs.</summary>
    public VllmImageAnnotation Image => this.TryGetLastAnnotation<VllmImageAnnotation>(out var image) ? image : VllmImageAnnotation.Default;

    /// <summary>Gets the vLLM version, from the image tag (<c>v0.10.1</c> → <c>0.10.1</c>).</summary>
    public string Version => Image.Version;

    /// <summary>Gets the endpoint clients use.</summary>
    public EndpointReference HttpEndpoint => _httpEndpoint ??= new(this, HttpEndpointName);
}
