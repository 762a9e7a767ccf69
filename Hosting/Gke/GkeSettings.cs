using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace VllmAspire.Hosting.Gke;

/// <summary>One parameter of a GKE environment, resolved: its value, or why it has none.</summary>
/// <param name="Name">The parameter's name, e.g. <c>gcp-project</c>.</param>
/// <param name="Description">What it is.</param>
/// <param name="Value">Its value, or <see langword="null"/> when it is not set.</param>
internal sealed record GkeSetting(string Name, string? Description, string? Value)
{
    /// <summary>Gets whether the parameter has a non-empty value.</summary>
    public bool HasValue => !string.IsNullOrWhiteSpace(Value);

    /// <summary>Gets how a user sets the parameter.</summary>
    public string HowToSet =>
        $"set Parameters:{Name} in AppHost/appsettings.json or user secrets, the environment variable Parameters__{Name}, or pass `-- --Parameters:{Name}=VALUE` to the aspire command";

    /// <summary>Gets the value of a parameter that must be set (validation has checked it).</summary>
    public string Required => HasValue ? Value! : throw new InvalidOperationException($"Parameter '{Name}' is not set; the model's validation should have said so.");
}

/// <summary>The parameters of a GKE environment, resolved once before anything is validated or written.</summary>
/// <param name="Project">The <c>gcp-project</c> parameter.</param>
/// <param name="Location">The <c>gcp-location</c> parameter.</param>
/// <param name="Zone">The <c>gcp-zone</c> parameter.</param>
/// <param name="Cluster">The <c>gke-cluster</c> parameter.</param>
/// <param name="ContainerRegistry">The <c>container-registry</c> parameter.</param>
internal sealed record GkeSettings(GkeSetting Project, GkeSetting Location, GkeSetting Zone, GkeSetting Cluster, GkeSetting ContainerRegistry)
{
    /// <summary>
    /// The configuration key of a Hugging Face token given as a parameter, which publish refuses: Aspire saves every
    /// parameter value of a published model in clear text in its deployment state. The pods read the token from a
    /// Kubernetes Secret the user creates.
    /// </summary>
    public const string HuggingFaceTokenKey = "Parameters:hf-token";

    /// <summary>Gets whether <see cref="HuggingFaceTokenKey"/> is set.</summary>
    public bool HuggingFaceTokenGiven { get; init; }

    /// <summary>Resolves every parameter of the environment; a missing one resolves to no value rather than failing.</summary>
    /// <param name="environment">The environment.</param>
    /// <param name="configuration">The AppHost's configuration, where a refused secret would be.</param>
    /// <param name="cancellationToken">Cancels the resolution.</param>
    /// <returns>The settings.</returns>
    public static async Task<GkeSettings> ResolveAsync(GkeEnvironmentResource environment, IConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(configuration);
        return new GkeSettings(
            await ResolveAsync(environment.Project, cancellationToken).ConfigureAwait(false),
            await ResolveAsync(environment.Location, cancellationToken).ConfigureAwait(false),
            await ResolveAsync(environment.Zone, cancellationToken).ConfigureAwait(false),
            await ResolveAsync(environment.Cluster, cancellationToken).ConfigureAwait(false),
            await ResolveAsync(environment.ContainerRegistry, cancellationToken).ConfigureAwait(false))
        {
            HuggingFaceTokenGiven = !string.IsNullOrEmpty(configuration[HuggingFaceTokenKey]),
        };
    }

    private static async Task<GkeSetting> ResolveAsync(ParameterResource parameter, CancellationToken cancellationToken)
    {
        try
        {
            return new GkeSetting(parameter.Name, parameter.Description, await parameter.GetValueAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (MissingParameterValueException)
        {
            return new GkeSetting(parameter.Name, parameter.Description, null);
        }
    }
}
