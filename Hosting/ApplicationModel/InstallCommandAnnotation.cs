namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>How to install the program an executable resource needs, shown when it is missing.</summary>
/// <param name="Command">The install command, e.g. <c>sudo apt-get install -y prometheus</c>.</param>
public sealed record InstallCommandAnnotation(string Command) : IResourceAnnotation;
