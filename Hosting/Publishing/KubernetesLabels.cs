namespace VllmAspire.Hosting.Publishing;

/// <summary>The <c>app.kubernetes.io/*</c> labels every published object carries.</summary>
public static class KubernetesLabels
{
    /// <summary>The manager label value; <c>destroy</c> finds what publish/deploy created by it.</summary>
    public const string ManagedBy = "vllm-aspire";

    /// <summary>Gets the labels for an object of a model resource.</summary>
    /// <param name="application">The application (the namespace), <c>app.kubernetes.io/part-of</c>.</param>
    /// <param name="resource">The model resource, <c>app.kubernetes.io/name</c>.</param>
    /// <param name="component">The object's role, <c>app.kubernetes.io/component</c>.</param>
    /// <returns>The labels.</returns>
    public static Dictionary<string, string> For(string application, string resource, string component) => new(StringComparer.Ordinal)
    {
        ["app.kubernetes.io/name"] = resource,
        ["app.kubernetes.io/component"] = component,
        ["app.kubernetes.io/part-of"] = application,
        ["app.kubernetes.io/managed-by"] = ManagedBy,
    };

    /// <summary>The label with the weights version (<see cref="GkeWorkload.WeightsVersion"/>) on every object that holds or reads those weights.</summary>
    public const string WeightsVersionLabel = "vllm-aspire/weights-version";

    /// <summary>The Compute Engine label with the weights version on the weights image and disks.</summary>
    public const string WeightsVersionCloudLabel = "weights-version";

    /// <summary>Gets <see cref="For"/> plus the weights version label. Never part of a selector: Deployment selectors are immutable.</summary>
    /// <param name="application">The application (the namespace).</param>
    /// <param name="resource">The model resource.</param>
    /// <param name="component">The object's role.</param>
    /// <param name="weightsVersion">The weights version.</param>
    /// <returns>The labels.</returns>
    public static Dictionary<string, string> ForWeights(string application, string resource, string component, string weightsVersion)
    {
        var labels = For(application, resource, component);
        labels[WeightsVersionLabel] = weightsVersion;
        return labels;
    }

    /// <summary>Gets the labels that select a resource's pods (a stable subset of <see cref="For"/>).</summary>
    /// <param name="application">The application.</param>
    /// <param name="resource">The model resource.</param>
    /// <returns>The selector labels.</returns>
    public static Dictionary<string, string> Selector(string application, string resource) => new(StringComparer.Ordinal)
    {
        ["app.kubernetes.io/name"] = resource,
        ["app.kubernetes.io/part-of"] = application,
    };

    /// <summary>Gets GCE resource labels (keys without '/' or '.') naming the app and the resource.</summary>
    /// <param name="application">The application.</param>
    /// <param name="resource">The model resource.</param>
    /// <returns>The labels.</returns>
    public static Dictionary<string, string> ForCloud(string application, string resource) => new(StringComparer.Ordinal)
    {
        ["app"] = application,
        ["resource"] = resource,
        ["managed-by"] = ManagedBy,
    };
}
