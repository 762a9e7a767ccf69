// The same number of processes as `dotnet run --project AppHost` starts (one vLLM replica, Prometheus, the metrics
// adapter, the provisioner), each a plain ServiceDefaults web service healthy once /health answers. Aspire's own cost
// of running four processes, without anything of VllmAspire's.
var builder = DistributedApplication.CreateBuilder(args);
for (var i = 0; i < 4; i++)
{
    builder.AddProject<Projects.TestService>($"service-{i}").WithHttpHealthCheck("/health");
}

builder.Build().Run();
