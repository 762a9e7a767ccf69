using System.CommandLine;

namespace VllmAspire.Hosting.Cli;

/// <summary>A verb of the AppHost command line, registered in the AppHost's services.</summary>
public interface IAppHostCommand
{
    /// <summary>Creates the command; its action runs against the built application.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The command.</returns>
    Command Create(DistributedApplication app);
}
