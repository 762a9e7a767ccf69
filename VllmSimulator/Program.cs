using System.CommandLine;
using VllmAspire.VllmSimulator;

// Parse like `vllm serve`, then run; signals are left to the web host so Ctrl+C/SIGTERM stop it gracefully.
var command = SimulatorCommandLine.Build((options, ct) => SimulatorHost.RunAsync(options, Console.Out, Console.Error, ct));
return await command.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
