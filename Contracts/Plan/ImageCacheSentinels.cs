namespace VllmAspire.Contracts.Plan;

/// <summary>
/// The lines the image-cache builder VM's startup script prints on serial port 1: publish writes them into the script,
/// deploy waits for them.
/// </summary>
public static class ImageCacheSentinels
{
    /// <summary>The line printed when the cache disk is complete and unmounted.</summary>
    public const string Done = "vllm-aspire: image cache complete";

    /// <summary>The start of the line printed when a step fails (followed by <c>: what failed</c>).</summary>
    public const string Failed = "vllm-aspire: image cache failed";
}
