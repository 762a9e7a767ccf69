using VllmAspire.Testing;

namespace VllmAspire.Provisioner.Kubernetes.Tests;

/// <summary>Where the golden publish output and the schema validator are.</summary>
internal static class Paths
{
    /// <summary>Gets the publish output of the AppHost model kept as golden files by the publishing tests.</summary>
    public static string GoldenOutput => Path.Combine(RepositoryPaths.Root, "tests", "VllmAspire.Publishing.Tests", "Golden");
}
