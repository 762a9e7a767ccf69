namespace Aspire.Hosting.ApplicationModel;

/// <summary>The node pool a vLLM workload's pods run on, set by <c>WithNodePool</c>.</summary>
/// <param name="Pool">The pool.</param>
public sealed record GkeNodePoolPlacementAnnotation(GkeNodePoolResource Pool) : IResourceAnnotation;
