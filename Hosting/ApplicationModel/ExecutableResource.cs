namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>A program found on <c>PATH</c> (or by path) and run as a local process.</summary>
/// <param name="name">The resource name.</param>
/// <param name="command">The program name or path.</param>
/// <param name="workingDirectory">The directory the process starts in.</param>
public class ExecutableResource(string name, string command, string workingDirectory)
    : Resource(name), IResourceWithEnvironment, IResourceWithArgs, IResourceWithServiceDiscovery, IResourceWithWaitSupport
{
    /// <summary>Gets or sets the program name or path.</summary>
    public string Command { get; set; } = command;

    /// <summary>Gets or sets the working directory.</summary>
    public string WorkingDirectory { get; set; } = workingDirectory;
}
