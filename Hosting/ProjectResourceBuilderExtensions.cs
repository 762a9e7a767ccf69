using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting;

/// <summary>Adds .NET projects to the model.</summary>
public static class ProjectResourceBuilderExtensions
{
    /// <summary>Adds a project referenced by the AppHost (its generated <c>Projects.&lt;Name&gt;</c> class).</summary>
    /// <typeparam name="TProject">The generated project metadata type.</typeparam>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<ProjectResource> AddProject<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddProject(name, new TProject());
    }

    /// <summary>Adds a project by its metadata.</summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="metadata">Where the project and its output are.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<ProjectResource> AddProject(this IDistributedApplicationBuilder builder, string name, IProjectMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(metadata);
        return builder.AddResource(new ProjectResource(name, metadata)).WithProjectDefaults();
    }

    /// <summary>Adds a project by the path of its project file, relative to the AppHost directory; it is built at start if needed.</summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="projectPath">The project file.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<ProjectResource> AddProject(this IDistributedApplicationBuilder builder, string name, string projectPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(projectPath);
        var fullPath = Path.GetFullPath(projectPath, builder.AppHostDirectory);
        if (!File.Exists(fullPath))
        {
            throw new DistributedApplicationException($"Project '{name}': no project file at '{fullPath}'. Give the path of a .csproj relative to the AppHost directory.");
        }

        return builder.AddProject(name, new PathProjectMetadata(fullPath));
    }

    // In run mode a project listens where ASPNETCORE_URLS says: its own target port on loopback, per replica.
    internal static IResourceBuilder<T> WithProjectDefaults<T>(this IResourceBuilder<T> builder) where T : ProjectResource =>
        builder.WithEnvironment(context =>
        {
            if (!context.ExecutionContext.IsRunMode)
            {
                return;
            }

            var http = context.Resource.GetEndpoints().Where(e => e.UriScheme is "http" or "https").ToList();
            if (http.Count > 0)
            {
                var urls = new ReferenceExpressionList(http.Select(e => (IValueProvider)ReferenceExpression.Create(
                    $"{e.UriScheme}://{e.TargetHost}:{new EndpointReference((IResourceWithEndpoints)context.Resource, e.Name).Property(EndpointProperty.TargetPort)}")));
                context.EnvironmentVariables["ASPNETCORE_URLS"] = urls;
            }

            context.EnvironmentVariables["ASPNETCORE_ENVIRONMENT"] = "Development";
            context.EnvironmentVariables["DOTNET_ENVIRONMENT"] = "Development";
            context.EnvironmentVariables["LOGGING__CONSOLE__FORMATTERNAME"] = "simple";
            context.EnvironmentVariables["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "true";
        });

    /// <summary>Metadata for a project given by path: its output is found by building it.</summary>
    private sealed class PathProjectMetadata(string projectPath) : IProjectMetadata
    {
        public string ProjectPath { get; } = projectPath;

        public string TargetPath { get; } = string.Empty;
    }

    /// <summary>Several deferred values joined with <c>;</c>, as ASPNETCORE_URLS takes them.</summary>
    private sealed class ReferenceExpressionList(IEnumerable<IValueProvider> values) : IValueProvider
    {
        private readonly IReadOnlyList<IValueProvider> _values = [.. values];

        public async ValueTask<string?> GetValueAsync(ValueProviderContext context, CancellationToken cancellationToken = default)
        {
            var parts = new List<string>(_values.Count);
            foreach (var value in _values)
            {
                parts.Add(await value.GetValueAsync(context, cancellationToken).ConfigureAwait(false) ?? string.Empty);
            }

            return string.Join(';', parts);
        }
    }
}
