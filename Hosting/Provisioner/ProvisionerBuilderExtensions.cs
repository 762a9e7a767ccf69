using VllmAspire.Hosting.ApplicationModel;

namespace VllmAspire.Hosting;

/// <summary>Adds the Provisioner service to the model.</summary>
public static class ProvisionerBuilderExtensions
{
    /// <summary>
    /// Adds the Provisioner service. Its API requires a bearer token: parameter <c>{name}-api-token</c> (secret),
    /// generated fresh for each run unless configured.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <returns>The <see cref="IResourceBuilder{T}"/>.</returns>
    public static IResourceBuilder<ProvisionerResource> AddProvisioner(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var token = builder.AddApiToken(name);
        var provisioner = new ProvisionerResource(name, new KnownProjects.Provisioner()) { ApiToken = token.Resource };
        return builder.AddResource(provisioner)
            .WithServiceDefaultsEndpoints()
            .WithEnvironment("Provisioner__ApiToken", token);
    }
}
