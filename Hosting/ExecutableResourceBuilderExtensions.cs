using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting;

/// <summary>Adds programs found on PATH to the model.</summary>
public static class ExecutableResourceBuilderExtensions
{
    /// <summary>Adds a program run as a local process.</summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="command">The program name (looked up on PATH) or path.</param>
    /// <param name="workingDirectory">The working directory, relative to the AppHost directory.</param>
    /// <param name="args">Arguments: strings or deferred values.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<ExecutableResource> AddExecutable(this IDistributedApplicationBuilder builder, string name, string command,
        string workingDirectory, params object[] args)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(command);
        ArgumentNullException.ThrowIfNull(workingDirectory);
        var resource = new ExecutableResource(name, command, Path.GetFullPath(workingDirectory, builder.AppHostDirectory));
        var resourceBuilder = builder.AddResource(resource);
        return args.Length > 0 ? resourceBuilder.WithArgs(args) : resourceBuilder;
    }

    /// <summary>Says how to install the program when it is missing; the resource shows this instead of starting.</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="installCommand">The command that installs it.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<T> WithInstallCommand<T>(this IResourceBuilder<T> builder, string installCommand) where T : ExecutableResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(installCommand);
        return builder.WithAnnotation(new InstallCommandAnnotation(installCommand), ResourceAnnotationMutationBehavior.Replace);
    }
}
