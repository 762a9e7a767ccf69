using VllmAspire.Testing.Fakes.Kubernetes;

namespace VllmAspire.Provisioner.Kubernetes.Tests;

/// <summary>Where the golden publish output and the schema validator are.</summary>
internal static class Paths
{
    /// <summary>Gets the publish output of the AppHost model kept as golden files by the publishing tests.</summary>
    public static string GoldenOutput => Path.Combine(ReferencePaths.RepositoryRoot, "tests", "VllmAspire.Publishing.Tests", "Golden");

    /// <summary>Gets the npm schema validator's folder.</summary>
    public static string SchemaValidator => Path.Combine(ReferencePaths.RepositoryRoot, "tests", "schema");
}
