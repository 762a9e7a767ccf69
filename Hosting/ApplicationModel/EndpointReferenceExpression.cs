namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>A deferred value for one property of an endpoint, such as its target port.</summary>
/// <param name="Endpoint">The endpoint.</param>
/// <param name="Property">The property.</param>
public sealed record EndpointReferenceExpression(EndpointReference Endpoint, EndpointProperty Property)
    : IValueProvider, IManifestExpressionProvider
{
    /// <inheritdoc />
    public string ValueExpression =>
        $"{{{Endpoint.Resource.Name}.bindings.{Endpoint.EndpointName}.{Property.ToString().ToLowerInvariant()}}}";

    /// <inheritdoc />
    public ValueTask<string?> GetValueAsync(ValueProviderContext context, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<string?>(Endpoint.Resolve(Property, context));
}
