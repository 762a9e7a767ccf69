using Microsoft.Extensions.Configuration;
using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting;

/// <summary>Adds parameters: values from configuration section <c>Parameters</c>.</summary>
public static class ParameterResourceBuilderExtensions
{
    /// <summary>Adds a parameter read from <c>Parameters:{name}</c>; a secret one is masked wherever it is shown.</summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The parameter name.</param>
    /// <param name="secret">Whether the value is secret.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<ParameterResource> AddParameter(this IDistributedApplicationBuilder builder, string name, bool secret = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        return builder.AddResource(new ParameterResource(name, () => configuration[$"Parameters:{name}"], secret));
    }

    /// <summary>Adds a parameter with a default used when configuration has none.</summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The parameter name.</param>
    /// <param name="defaultValue">The default.</param>
    /// <param name="secret">Whether the value is secret.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<ParameterResource> AddParameter(this IDistributedApplicationBuilder builder, string name, string defaultValue, bool secret = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(defaultValue);
        var configuration = builder.Configuration;
        return builder.AddResource(new ParameterResource(name, () => configuration[$"Parameters:{name}"] is { Length: > 0 } v ? v : defaultValue, secret));
    }

    /// <summary>Sets the description shown to users who must supply the value.</summary>
    /// <param name="builder">The parameter builder.</param>
    /// <param name="description">The description.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<ParameterResource> WithDescription(this IResourceBuilder<ParameterResource> builder, string description)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.Description = description;
        return builder;
    }
}
