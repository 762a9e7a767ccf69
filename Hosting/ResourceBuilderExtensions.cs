using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting;

/// <summary>The <c>With…</c> methods every resource kind shares: environment, arguments, endpoints, references, waits, health, replicas.</summary>
public static class ResourceBuilderExtensions
{
    /// <summary>Sets an environment variable.</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="name">The variable name.</param>
    /// <param name="value">The value.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string? value)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return builder.WithEnvironment(context => context.EnvironmentVariables[name] = value ?? string.Empty);
    }

    /// <summary>Sets an environment variable to a deferred value (an endpoint, a parameter, a <see cref="ReferenceExpression"/>).</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="name">The variable name.</param>
    /// <param name="value">The deferred value.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, IValueProvider value)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        return builder.WithEnvironment(context => context.EnvironmentVariables[name] = value);
    }

    /// <summary>Sets an environment variable to a parameter's value (masked wherever it is shown when the parameter is secret).</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="name">The variable name.</param>
    /// <param name="parameter">The parameter.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, IResourceBuilder<ParameterResource> parameter)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return builder.WithEnvironment(name, parameter.Resource);
    }

    /// <summary>Sets environment variables from a callback, evaluated at each start (run) or at publish.</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="callback">The callback.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, Action<EnvironmentCallbackContext> callback)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(callback);
        return builder.WithAnnotation(new EnvironmentCallbackAnnotation(context =>
        {
            callback(context);
            return Task.CompletedTask;
        }));
    }

    /// <summary>Adds command-line arguments; deferred values (endpoints, parameters) are resolved at start or publish.</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="args">Strings or <see cref="IValueProvider"/>s.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<T> WithArgs<T>(this IResourceBuilder<T> builder, params object[] args)
        where T : IResourceWithArgs
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(args);
        foreach (var arg in args)
        {
            if (arg is not (string or IValueProvider))
            {
                throw new ArgumentException($"Argument '{arg}' of resource '{builder.Resource.Name}' must be a string or a deferred value (IValueProvider).", nameof(args));
            }
        }

        return builder.WithArgs(context =>
        {
            foreach (var arg in args)
            {
                context.Args.Add(arg);
            }
        });
    }

    /// <summary>Adds command-line arguments from a callback, evaluated at each start (run) or at publish.</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="callback">The callback.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<T> WithArgs<T>(this IResourceBuilder<T> builder, Action<CommandLineArgsCallbackContext> callback)
        where T : IResourceWithArgs
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(callback);
        return builder.WithAnnotation(new CommandLineArgsCallbackAnnotation(context =>
        {
            callback(context);
            return Task.CompletedTask;
        }));
    }

    /// <summary>Declares an HTTP endpoint.</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="port">The fixed client port, or a free port chosen at start.</param>
    /// <param name="targetPort">The fixed port the process binds, or a free port per replica.</param>
    /// <param name="name">The endpoint name; <c>http</c> by default.</param>
    /// <param name="env">An environment variable that receives the target port.</param>
    /// <param name="isProxied">Whether clients go through the AppHost's proxy (needed for replicas).</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<T> WithHttpEndpoint<T>(this IResourceBuilder<T> builder, int? port = null, int? targetPort = null,
        string? name = null, string? env = null, bool isProxied = true)
        where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        name ??= "http";
        if (builder.Resource.GetEndpoints().Any(e => e.Name == name))
        {
            throw new DistributedApplicationException($"Resource '{builder.Resource.Name}' already has an endpoint named '{name}'. Give the new endpoint another name.");
        }

        return builder.WithAnnotation(new EndpointAnnotation(name, "http", port, targetPort, isProxied, env: env));
    }

    /// <summary>Marks the resource's HTTP endpoints as exposed outside the cluster when published.</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<T> WithExternalHttpEndpoints<T>(this IResourceBuilder<T> builder) where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var endpoint in builder.Resource.GetEndpoints().Where(e => e.UriScheme is "http" or "https"))
        {
            endpoint.IsExternal = true;
        }

        return builder;
    }

    /// <summary>Gets a deferred reference to one of the resource's endpoints.</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="name">The endpoint name.</param>
    /// <returns>The reference.</returns>
    public static EndpointReference GetEndpoint<T>(this IResourceBuilder<T> builder, string name = "http") where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        return new EndpointReference(builder.Resource, name);
    }

    /// <summary>
    /// Lets the resource find <paramref name="source"/> by name: injects Aspire's service-discovery variables
    /// <c>services__{source}__{http|https|endpoint}__0</c> and <c>{SOURCE}_{ENDPOINT}</c> with the endpoint URLs.
    /// </summary>
    /// <typeparam name="TDestination">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="source">The resource to find.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<TDestination> WithReference<TDestination>(this IResourceBuilder<TDestination> builder, IResourceBuilder<IResourceWithServiceDiscovery> source)
        where TDestination : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        foreach (var endpoint in source.Resource.GetEndpoints())
        {
            builder.WithReference(new EndpointReference(source.Resource, endpoint.Name));
        }

        return builder.WithAnnotation(new ResourceRelationshipAnnotation(source.Resource, "Reference"));
    }

    /// <summary>Lets the resource find one endpoint of another resource (see the resource overload).</summary>
    /// <typeparam name="TDestination">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="endpoint">The endpoint.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<TDestination> WithReference<TDestination>(this IResourceBuilder<TDestination> builder, EndpointReference endpoint)
        where TDestination : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(endpoint);
        var source = endpoint.Resource.Name;
        return builder.WithEnvironment(context =>
        {
            var annotation = endpoint.Annotation;
            // Aspire's key: the scheme for endpoints named after it, else the endpoint's name.
            var key = annotation.Name is "http" or "https" ? annotation.UriScheme : annotation.Name;
            context.EnvironmentVariables[$"services__{source}__{key}__0"] = endpoint;
            context.EnvironmentVariables[$"{EnvironmentName(source)}_{EnvironmentName(annotation.Name)}"] = endpoint;
        });
    }

    /// <summary>Starts the resource only once <paramref name="dependency"/> is running and healthy.</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="dependency">The resource to wait for.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency)
        where T : IResourceWithWaitSupport =>
        builder.WaitFor(dependency, WaitType.WaitUntilHealthy);

    /// <summary>Starts the resource only once <paramref name="dependency"/> is running.</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="dependency">The resource to wait for.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<T> WaitForStart<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency)
        where T : IResourceWithWaitSupport =>
        builder.WaitFor(dependency, WaitType.WaitUntilStarted);

    /// <summary>Starts the resource only once <paramref name="dependency"/> has exited with code 0.</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="dependency">The resource to wait for.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<T> WaitForCompletion<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency)
        where T : IResourceWithWaitSupport =>
        builder.WaitFor(dependency, WaitType.WaitForCompletion);

    /// <summary>Probes an HTTP path of the resource: healthy when it answers <paramref name="statusCode"/>.</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="path">The path; <c>/</c> by default.</param>
    /// <param name="statusCode">The expected status; 200 by default.</param>
    /// <param name="endpointName">The endpoint; the first HTTP endpoint by default.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<T> WithHttpHealthCheck<T>(this IResourceBuilder<T> builder, string? path = null, int? statusCode = null, string? endpointName = null)
        where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        var endpoint = builder.Resource.GetEndpoints().FirstOrDefault(e => endpointName is null ? e.UriScheme is "http" or "https" : e.Name == endpointName)
            ?? throw new DistributedApplicationException(
                $"Resource '{builder.Resource.Name}' has no {(endpointName is null ? "HTTP endpoint" : $"endpoint named '{endpointName}'")} to health-check. Call WithHttpEndpoint() first.");
        return builder.WithAnnotation(new HttpHealthCheckAnnotation(path ?? "/", statusCode ?? 200, endpoint.Name));
    }

    /// <summary>Runs several instances of the resource behind one endpoint.</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="replicas">The number of replicas, at least 1.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<T> WithReplicas<T>(this IResourceBuilder<T> builder, int replicas) where T : IResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (replicas < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(replicas), replicas, $"Resource '{builder.Resource.Name}' needs at least 1 replica.");
        }

        return builder.WithAnnotation(new ReplicaAnnotation(replicas), ResourceAnnotationMutationBehavior.Replace);
    }

    private static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency, WaitType waitType)
        where T : IResourceWithWaitSupport
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dependency);
        if (ReferenceEquals(builder.Resource, dependency.Resource))
        {
            throw new DistributedApplicationException($"Resource '{builder.Resource.Name}' cannot wait for itself.");
        }

        return builder
            .WithAnnotation(new WaitAnnotation(dependency.Resource, waitType))
            .WithAnnotation(new ResourceRelationshipAnnotation(dependency.Resource, "WaitFor"));
    }

    private static string EnvironmentName(string name) => name.Replace('-', '_').ToUpperInvariant();
}
