using System.Globalization;

namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>A late-bound reference to one endpoint of a resource.</summary>
public sealed class EndpointReference : IValueProvider, IManifestExpressionProvider
{
    /// <summary>Initializes a new reference.</summary>
    /// <param name="resource">The resource that owns the endpoint.</param>
    /// <param name="endpointName">The endpoint's name.</param>
    public EndpointReference(IResourceWithEndpoints resource, string endpointName)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentException.ThrowIfNullOrEmpty(endpointName);
        Resource = resource;
        EndpointName = endpointName;
    }

    /// <summary>Gets the resource that owns the endpoint.</summary>
    public IResourceWithEndpoints Resource { get; }

    /// <summary>Gets the endpoint's name.</summary>
    public string EndpointName { get; }

    /// <summary>Gets whether the resource declares this endpoint.</summary>
    public bool Exists => Resource.Annotations.OfType<EndpointAnnotation>().Any(e => e.Name == EndpointName);

    /// <summary>Gets the endpoint annotation.</summary>
    /// <exception cref="InvalidOperationException">The resource has no such endpoint.</exception>
    public EndpointAnnotation Annotation =>
        Resource.Annotations.OfType<EndpointAnnotation>().FirstOrDefault(e => e.Name == EndpointName)
        ?? throw new InvalidOperationException(
            $"Resource '{Resource.Name}' has no endpoint named '{EndpointName}'. Add it with WithHttpEndpoint(name: \"{EndpointName}\").");

    /// <summary>Gets whether the endpoint has been allocated an address.</summary>
    public bool IsAllocated => Exists && Annotation.AllocatedEndpoint is not null;

    /// <summary>Gets the URL clients use (run mode, after allocation).</summary>
    public string Url => Allocated.UriString;

    /// <summary>Gets the port clients use (run mode, after allocation).</summary>
    public int Port => Allocated.Port;

    /// <inheritdoc />
    public string ValueExpression => $"{{{Resource.Name}.bindings.{EndpointName}.url}}";

    private AllocatedEndpoint Allocated => Annotation.AllocatedEndpoint
        ?? throw new InvalidOperationException(
            $"Endpoint '{EndpointName}' of resource '{Resource.Name}' has no address yet: it is allocated when the application starts.");

    /// <summary>Refers to one property of the endpoint.</summary>
    /// <param name="property">The property.</param>
    /// <returns>A deferred value for that property.</returns>
    public EndpointReferenceExpression Property(EndpointProperty property) => new(this, property);

    /// <inheritdoc />
    public ValueTask<string?> GetValueAsync(ValueProviderContext context, CancellationToken cancellationToken = default) =>
        Property(EndpointProperty.Url).GetValueAsync(context, cancellationToken);

    /// <summary>Resolves one property for a caller.</summary>
    internal string Resolve(EndpointProperty property, ValueProviderContext context)
    {
        var endpoint = Annotation;
        if (context.ExecutionContext.IsPublishMode)
        {
            // Published: the Kubernetes Service named after the resource, on the port the container listens on.
            var port = endpoint.TargetPort ?? endpoint.Port ?? (endpoint.UriScheme == "https" ? 443 : 80);
            return property switch
            {
                EndpointProperty.Url => $"{endpoint.UriScheme}://{Resource.Name}:{port}",
                EndpointProperty.Host => Resource.Name,
                EndpointProperty.Port or EndpointProperty.TargetPort => port.ToString(CultureInfo.InvariantCulture),
                EndpointProperty.Scheme => endpoint.UriScheme,
                EndpointProperty.HostAndPort => $"{Resource.Name}:{port}",
                _ => throw new ArgumentOutOfRangeException(nameof(property), property, null),
            };
        }

        return property switch
        {
            EndpointProperty.Url => Allocated.UriString,
            EndpointProperty.Host => Allocated.Address,
            EndpointProperty.Port => Allocated.Port.ToString(CultureInfo.InvariantCulture),
            EndpointProperty.Scheme => endpoint.UriScheme,
            EndpointProperty.HostAndPort => Allocated.HostAndPort,
            EndpointProperty.TargetPort => ResolveTargetPort(endpoint, context).ToString(CultureInfo.InvariantCulture),
            _ => throw new ArgumentOutOfRangeException(nameof(property), property, null),
        };
    }

    private int ResolveTargetPort(EndpointAnnotation endpoint, ValueProviderContext context)
    {
        // A resource asking for its own target port gets its replica's; anyone else gets the first replica's.
        var replica = ReferenceEquals(context.Caller, Resource) ? context.ReplicaIndex : 0;
        if (endpoint.ReplicaTargetPorts.TryGetValue(replica, out var port))
        {
            return port;
        }

        return endpoint.TargetPort ?? throw new InvalidOperationException(
            $"Endpoint '{EndpointName}' of resource '{Resource.Name}' has no target port for replica {replica} yet.");
    }
}
