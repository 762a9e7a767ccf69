// The same number of processes as `dotnet run --project AppHost` starts (one vLLM replica, Prometheus, the metrics
// adapter, the provisioner), each a plain ServiceDefaults web service healthy once /health answers: Aspire's own cost
// of running four processes, without anything of VllmAspire's. Like VllmAspire's services they run prebuilt
// (`dotnet run --no-build`); with Bare:BuildAtStart=true they run as Aspire's AddProject does by default, each one
// built again when it starts.
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);
var buildAtStart = builder.Configuration.GetValue("Bare:BuildAtStart", false);
for (var i = 0; i < 4; i++)
{
    var service = buildAtStart ? builder.AddProject<Projects.TestService>($"service-{i}") : builder.AddProject<PrebuiltTestService>($"service-{i}");
    service.WithHttpEndpoint().WithHttpHealthCheck("/health");
}

builder.Build().Run();

/// <summary>The TestService project, built with this AppHost and run without building it again.</summary>
internal sealed class PrebuiltTestService : IProjectMetadata
{
    public string ProjectPath => new Projects.TestService().ProjectPath;

    public bool SuppressBuild => true;
}
