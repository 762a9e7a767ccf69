using System.CommandLine;

namespace VllmAspire.Hosting.Cli;

/// <summary>The <c>run</c> verb: runs every resource locally until Ctrl+C or SIGTERM.</summary>
internal sealed class RunCommand : IAppHostCommand
{
    public Command Create(DistributedApplication app)
    {
        var command = new Command(AppHostVerbs.Run, "Run every resource locally with the dashboard (the default).")
        {
            // Configuration overrides such as --Dashboard:Url=http://127.0.0.1:0 are read by the host's configuration.
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(async (_, cancellationToken) =>
        {
            await app.RunHostAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
