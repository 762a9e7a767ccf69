namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The local horizontal pod autoscaler of a resource with <c>WithAutoscaling</c>: a child of that resource in the
/// dashboard whose state is its last decision (current → desired replicas), whose properties are that decision's
/// inputs, and whose console log has one line per decision with its reason. Exists in run mode only; published, the
/// same spec becomes an <c>autoscaling/v2</c> HorizontalPodAutoscaler.
/// </summary>
/// <param name="name">The resource name, <c>{target}-hpa</c>.</param>
/// <param name="target">The scaled resource.</param>
public sealed class HorizontalPodAutoscalerResource(string name, IResource target) : Resource(name), IResourceWithParent<IResource>
{
    /// <summary>Gets the scaled resource.</summary>
    public IResource Parent { get; } = target;
}
