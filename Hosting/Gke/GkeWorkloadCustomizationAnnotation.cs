using k8s.Models;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Adjusts a vLLM workload's generated Deployment before publish writes it (<c>PublishAsGkeWorkload</c>); the
/// callbacks run in the order they were added, once per Deployment (one per zone).
/// </summary>
/// <param name="Configure">The callback.</param>
public sealed record GkeWorkloadCustomizationAnnotation(Action<V1Deployment> Configure) : IResourceAnnotation;
