// The Provisioner: a web service (the provisioning stages' API) and a CLI (deploy, destroy, weight tools). Each verb is one file
// under Commands/.
using System.CommandLine;
using Spectre.Console;
using VllmAspire.Provisioner.Commands;
using VllmAspire.Provisioner.Stages;

// Redirected output (a pod's log, CI, the AppHost's log view) is read line by line: Spectre would otherwise wrap it at
// the 80 columns it assumes without a terminal, splitting one report line into several.
if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 4096;
}

var serve = ServeCommand.Create();
var root = new RootCommand("VllmAspire Provisioner: provisioning stages for vLLM on GKE, and weight tools.")
{
    serve,
    PrefetchCommand.Create(),
    DeployCommand.Create(StageRunMode.Deploy),
    DeployCommand.Create(StageRunMode.Destroy),
};

// No verb means serve, so the AppHost can start the project without arguments.
root.Action = serve.Action;

var parseResult = root.Parse(args);
if (parseResult.Errors.Count > 0)
{
    // Bad input is exit code 2, as the deploy and destroy verbs promise.
    foreach (var error in parseResult.Errors)
    {
        await Console.Error.WriteLineAsync($"error: {error.Message}");
    }

    await Console.Error.WriteLineAsync("Run with --help to see the verbs and their options.");
    return 2;
}

// The web host handles SIGTERM and Ctrl+C itself with a graceful shutdown, and deploy/destroy handle them to stop
// their stages, so System.CommandLine stays out of it.
return await parseResult.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
