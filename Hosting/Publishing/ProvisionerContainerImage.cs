using System.Reflection;
using System.Text.RegularExpressions;

namespace VllmAspire.Hosting.Publishing;

/// <summary>
/// The Provisioner's container image, which the prefetch sidecar runs (<c>prefetch PATH --keep-running</c>). It is
/// built and pushed with the .NET SDK's container support before the pods start: publish lists it in the plan's
/// <c>containerImages</c> and deploy builds and pushes it (<c>dotnet publish -t:PublishContainer</c>).
/// </summary>
public static partial class ProvisionerContainerImage
{
    /// <summary>The image's repository name inside the registry.</summary>
    public const string RepositoryName = "vllm-aspire-provisioner";

    /// <summary>The project that builds the image, relative to the repository root.</summary>
    public const string Project = "Provisioner/Provisioner.csproj";

    /// <summary>Gets the image tag: the app's version (this assembly's informational version without build metadata).</summary>
    public static string Tag { get; } = ReadTag();

    /// <summary>Gets whether <paramref name="registry"/> is a registry and repository path such as <c>us-central1-docker.pkg.dev/my-project/vllm</c>.</summary>
    /// <param name="registry">The <c>container-registry</c> parameter.</param>
    /// <returns>Whether it is valid.</returns>
    public static bool IsRegistry(string registry) => RegistryPattern().IsMatch(registry);

    /// <summary>Gets the image reference in <paramref name="registry"/>.</summary>
    /// <param name="registry">The <c>container-registry</c> parameter.</param>
    /// <returns>The reference, e.g. <c>us-central1-docker.pkg.dev/my-project/vllm/vllm-aspire-provisioner:1.0.0</c>.</returns>
    public static string Reference(string registry) => $"{registry.TrimEnd('/')}/{RepositoryName}:{Tag}";

    private static string ReadTag()
    {
        var version = typeof(ProvisionerContainerImage).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "1.0.0";
        // "+<commit>" build metadata is not allowed in a tag and would change with every commit.
        return version.Split('+')[0];
    }

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)+/?$")]
    private static partial Regex RegistryPattern();
}
