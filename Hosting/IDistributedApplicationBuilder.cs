using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VllmAspire.Hosting.ApplicationModel;
using VllmAspire.Hosting.Eventing;

namespace VllmAspire.Hosting;

/// <summary>Declares the resources of a distributed application (Aspire's builder shape).</summary>
public interface IDistributedApplicationBuilder
{
    /// <summary>Gets the configuration: <c>appsettings.json</c>, user secrets, environment and command line.</summary>
    ConfigurationManager Configuration { get; }

    /// <summary>Gets the directory of the AppHost project.</summary>
    string AppHostDirectory { get; }

    /// <summary>Gets the host environment.</summary>
    IHostEnvironment Environment { get; }

    /// <summary>Gets the services of the AppHost itself.</summary>
    IServiceCollection Services { get; }

    /// <summary>Gets the lifecycle events.</summary>
    IDistributedApplicationEventing Eventing { get; }

    /// <summary>Gets whether the model is run or published.</summary>
    DistributedApplicationExecutionContext ExecutionContext { get; }

    /// <summary>Gets the resources declared so far.</summary>
    IReadOnlyList<IResource> Resources { get; }

    /// <summary>Adds a resource to the model.</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="resource">The resource; its name must be unique.</param>
    /// <returns>The resource's builder.</returns>
    IResourceBuilder<T> AddResource<T>(T resource) where T : IResource;

    /// <summary>Creates a builder for a resource without adding it (for resources added elsewhere).</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="resource">The resource.</param>
    /// <returns>The builder.</returns>
    IResourceBuilder<T> CreateResourceBuilder<T>(T resource) where T : IResource;

    /// <summary>Builds the application. Call once.</summary>
    /// <returns>The application.</returns>
    DistributedApplication Build();
}
