namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>Reads annotations from resources.</summary>
public static class ResourceExtensions
{
    /// <summary>Gets the last annotation of a type, which wins when several were added.</summary>
    /// <typeparam name="T">The annotation type.</typeparam>
    /// <param name="resource">The resource.</param>
    /// <param name="annotation">The annotation, when found.</param>
    /// <returns>Whether one was found.</returns>
    public static bool TryGetLastAnnotation<T>(this IResource resource, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? annotation)
        where T : class, IResourceAnnotation
    {
        ArgumentNullException.ThrowIfNull(resource);
        annotation = resource.Annotations.OfType<T>().LastOrDefault();
        return annotation is not null;
    }

    /// <summary>Gets the endpoints a resource declares.</summary>
    /// <param name="resource">The resource.</param>
    /// <returns>The endpoint annotations.</returns>
    public static IEnumerable<EndpointAnnotation> GetEndpoints(this IResource resource) =>
        resource.Annotations.OfType<EndpointAnnotation>();

    /// <summary>Gets the number of replicas (1 unless set).</summary>
    /// <param name="resource">The resource.</param>
    /// <returns>The replica count.</returns>
    public static int GetReplicaCount(this IResource resource) =>
        resource.TryGetLastAnnotation<ReplicaAnnotation>(out var replicas) ? replicas.Replicas : 1;

    /// <summary>Runs the resource's environment callbacks and resolves every value for one caller replica.</summary>
    /// <param name="resource">The resource.</param>
    /// <param name="context">Who asks.</param>
    /// <param name="cancellationToken">Cancels the resolution.</param>
    /// <returns>The variables and whether each value came from a secret parameter.</returns>
    public static async Task<IReadOnlyDictionary<string, ResolvedValue>> ResolveEnvironmentAsync(
        this IResource resource, ValueProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var raw = new Dictionary<string, object>(StringComparer.Ordinal);
        var callbackContext = new EnvironmentCallbackContext(context.ExecutionContext, resource, raw, cancellationToken);
        foreach (var annotation in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await annotation.Callback(callbackContext).ConfigureAwait(false);
        }

        var resolved = new Dictionary<string, ResolvedValue>(StringComparer.Ordinal);
        foreach (var (key, value) in raw)
        {
            resolved[key] = await ResolveAsync(value, context, cancellationToken).ConfigureAwait(false);
        }

        return resolved;
    }

    /// <summary>Runs the resource's argument callbacks and resolves every argument for one caller replica.</summary>
    /// <param name="resource">The resource.</param>
    /// <param name="context">Who asks.</param>
    /// <param name="cancellationToken">Cancels the resolution.</param>
    /// <returns>The arguments in order.</returns>
    public static async Task<IReadOnlyList<ResolvedValue>> ResolveArgumentsAsync(
        this IResource resource, ValueProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var raw = new List<object>();
        var callbackContext = new CommandLineArgsCallbackContext(context.ExecutionContext, resource, raw, cancellationToken);
        foreach (var annotation in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await annotation.Callback(callbackContext).ConfigureAwait(false);
        }

        var resolved = new List<ResolvedValue>(raw.Count);
        foreach (var value in raw)
        {
            resolved.Add(await ResolveAsync(value, context, cancellationToken).ConfigureAwait(false));
        }

        return resolved;
    }

    private static async Task<ResolvedValue> ResolveAsync(object value, ValueProviderContext context, CancellationToken cancellationToken) =>
        value switch
        {
            string s => new ResolvedValue(s, IsSecret: false),
            IValueProvider provider => new ResolvedValue(
                await provider.GetValueAsync(context, cancellationToken).ConfigureAwait(false) ?? string.Empty,
                IsSecret(provider)),
            _ => throw new InvalidOperationException($"Unsupported value of type {value.GetType().Name}; use a string or an IValueProvider."),
        };

    private static bool IsSecret(IValueProvider provider) => provider switch
    {
        ParameterResource p => p.Secret,
        ReferenceExpression e => e.ValueProviders.Any(IsSecret),
        _ => false,
    };
}
