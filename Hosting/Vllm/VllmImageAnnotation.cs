namespace Aspire.Hosting.ApplicationModel;

/// <summary>The vLLM container image a published vLLM resource runs; its tag names the vLLM version the model targets.</summary>
/// <param name="Reference">The image reference with a pinned tag, e.g. <c>vllm/vllm-openai:v0.10.1</c>.</param>
public sealed record VllmImageAnnotation(string Reference) : IResourceAnnotation
{
    /// <summary>The default image: <c>vllm/vllm-openai:v0.10.1</c>.</summary>
    public const string DefaultReference = "vllm/vllm-openai:v0.10.1";

    /// <summary>Gets the default image.</summary>
    public static VllmImageAnnotation Default { get; } = new(DefaultReference);

    /// <summary>Gets the tag, or <c>latest</c> when the reference has none.</summary>
    public string Tag
    {
        get
        {
            var name = Reference.Split('@')[0];
            var colon = name.LastIndexOf(':');
            return colon > name.LastIndexOf('/') ? name[(colon + 1)..] : "latest";
        }
    }

    /// <summary>Gets the vLLM version from the tag (<c>v0.10.1</c> → <c>0.10.1</c>).</summary>
    public string Version => Tag.TrimStart('v');
}
