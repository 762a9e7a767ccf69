using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection.Extensions;
using VllmAspire.Hosting;
using VllmAspire.Hosting.Provisioner;
using VllmAspire.Hosting.ServiceProjects;

namespace Aspire.Hosting;

/// <summary>Adds the Provisioner service to the application model.</summary>
public static class ProvisionerBuilderExtensions
{
    /// <summary>The folder, under the local data folder, that the Provisioner deploys from in a local run.</summary>
    public const string PublishFolder = "publish";

    /// <summary>
    /// Adds the Provisioner service. Its API requires a bearer token: the secret parameter <c>{name}-api-token</c>,
    /// generated fresh for each run unless configured. Locally its commands <em>Deploy (dry run)</em>, <em>Deploy</em>
    /// and <em>Destroy</em> (the last two confirmed first) run the provisioning stages of the model published in
    /// <see cref="ProvisionerResource.PublishedPath"/>, and each stage of that run shows as a child resource while it goes;
    /// each run it makes is exported as a trace with a span per stage.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    /// <example>
    /// <code lang="csharp">
    /// builder.AddProvisioner("provisioner");
    /// </code>
    /// </example>
    public static IResourceBuilder<ProvisionerResource> AddProvisioner(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var token = builder.AddLocalSecret($"{name}-api-token");
        var provisioner = new ProvisionerResource(name, token, Path.Combine(LocalDataDirectory.Get(builder), PublishFolder));
        if (builder.ExecutionContext.IsRunMode)
        {
            builder.Services.TryAddSingleton<ProvisioningStageMonitor>();
        }

        return builder.AddResource(provisioner)
            .WithServiceProject(new ProvisionerProject())
            .WithIconName("CloudArrowUp")
            .WithLocalSecret("Provisioner__ApiToken", token)
            .WithEnvironment("Provisioner__PublishedPath", provisioner.PublishedPath)
            .WithProvisioningCommands();
    }
}
