namespace Aspire.Hosting.ApplicationModel;

/// <summary>The published vLLM pod's memory: its limit and what vLLM itself uses beside the weights (host RSS, not GPU memory).</summary>
/// <param name="PodLimitGiB">The pod's memory limit in GiB (all its containers); <see langword="null"/> for no limit, bounded by the node's allocatable memory.</param>
/// <param name="VllmHostMemoryGiB">vLLM's own host memory in GiB: Python, PyTorch, CUDA context, tokenizer.</param>
public sealed record VllmMemoryAnnotation(double? PodLimitGiB, double VllmHostMemoryGiB = VllmMemoryAnnotation.DefaultVllmHostMemoryGiB) : IResourceAnnotation
{
    /// <summary>vLLM's host memory when the model does not say: a vLLM server with PyTorch and a CUDA context holds about 4–8 GiB of RSS.</summary>
    public const double DefaultVllmHostMemoryGiB = 6;
}
