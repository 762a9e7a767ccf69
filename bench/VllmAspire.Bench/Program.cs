using System.CommandLine;
using VllmAspire.Bench;

var root = new RootCommand("VllmAspire benchmarks. Results are printed as Markdown rows for docs/benchmarks.md.");
root.Subcommands.Add(AppHostStartBenchmark.Command());
root.Subcommands.Add(SimulatorThroughputBenchmark.Command());
root.Subcommands.Add(ShimBenchmark.Command());
root.Subcommands.Add(DeployBenchmark.Command());
return await root.Parse(args).InvokeAsync();
