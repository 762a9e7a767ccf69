// The Provisioner: a web service (the provisioning stages' API) and a CLI (deploy, destroy, weight tools). Each verb is one file
// under Commands/.
using System.CommandLine;
using VllmAspire.Provisioner.Commands;
using VllmAspire.Provisioner.Stages;

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

// The web host handles SIGTERM and Ctrl+C itself with a graceful shutdown, so System.CommandLine stays out of it.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
