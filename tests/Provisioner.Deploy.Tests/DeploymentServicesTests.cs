using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VllmAspire.Provisioner.Kubernetes;
using VllmAspire.Provisioner.Stages.Gcp;

namespace VllmAspire.Provisioner.Deploy.Tests;

/// <summary>Configuration reaches the stages' settings: environment and <c>--Key=value</c>, the latter winning.</summary>
public sealed class DeploymentServicesTests
{
    [Fact]
    public void Wait_and_stage_settings_are_read_from_configuration_overrides()
    {
        var configuration = DeploymentServices.BuildConfiguration(
            ["--Kubernetes:Waits:PollInterval=00:00:00.020", "--Kubernetes:Waits:RolloutTimeout=00:03:00", "--Gcp:Stages:BuilderTimeout=00:05:00"]);
        using var services = DeploymentServices.Build(configuration);

        var waits = services.GetRequiredService<KubernetesWaitOptions>();
        Assert.Equal((TimeSpan.FromMilliseconds(20), TimeSpan.FromMinutes(3), new KubernetesWaitOptions().JobTimeout), (waits.PollInterval, waits.RolloutTimeout, waits.JobTimeout));
        Assert.Equal(TimeSpan.FromMinutes(5), services.GetRequiredService<IOptions<GcpStageOptions>>().Value.BuilderTimeout);
    }
}
