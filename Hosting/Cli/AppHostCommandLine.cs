using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace VllmAspire.Hosting.Cli;

/// <summary>The AppHost's command line: <c>run</c> (default) and the verbs the model's integrations register.</summary>
internal static class AppHostCommandLine
{
    /// <summary>Parses the arguments and runs the chosen verb.</summary>
    /// <param name="app">The application.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="cancellationToken">Stops the verb.</param>
    /// <returns>The exit code: 0 success, 1 failure, 2 bad input.</returns>
    public static async Task<int> InvokeAsync(DistributedApplication app, string[] args, CancellationToken cancellationToken)
    {
        var root = new RootCommand("VllmAspire AppHost: run the vLLM application model locally, or publish and deploy it to GKE.");
        var commands = app.Services.GetServices<IAppHostCommand>().Select(c => c.Create(app)).ToList();
        foreach (var command in commands)
        {
            root.Subcommands.Add(command);
        }

        var verb = AppHostVerbs.GetVerb(args);
        if (commands.All(c => c.Name != verb))
        {
            await Console.Error.WriteLineAsync(
                $"Unknown verb '{verb}'. Use one of: {string.Join(", ", commands.Select(c => c.Name))}; --help describes each.").ConfigureAwait(false);
            return 2;
        }

        // No verb means run, as `dotnet run --project AppHost` promises.
        if (args.Length == 0 || (args[0].StartsWith('-') && args[0] is not ("--help" or "-h" or "-?" or "--version")))
        {
            args = [AppHostVerbs.Run, .. args];
        }

        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await Console.Error.WriteLineAsync(error.Message).ConfigureAwait(false);
            }

            await Console.Error.WriteLineAsync("Run with --help to see the verbs and their options.").ConfigureAwait(false);
            return 2;
        }

        // The host handles Ctrl+C and SIGTERM itself so that every child process is stopped in order.
        var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null };
        return await parseResult.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }
}
