namespace VllmAspire.Publishing.Tests;

/// <summary>Where the repository, the shared reference and the golden files are.</summary>
internal static class Paths
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The shared reference folder: <c>../shared/reference</c> beside the repository (as in CI).</summary>
    public static string Reference => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "reference"));

    /// <summary>The golden files in the source tree (not the build output), so UPDATE_GOLDEN=1 rewrites the committed ones.</summary>
    public static string Golden => Path.Combine(RepositoryRoot, "tests", "VllmAspire.Publishing.Tests", "Golden");

    /// <summary>The golden files of the two-zone test model.</summary>
    public static string GoldenTwoZones => Path.Combine(RepositoryRoot, "tests", "VllmAspire.Publishing.Tests", "GoldenTwoZones");

    /// <summary>The golden plan of the test model after a model update (new weights revision, new image-cache image); the GCP stage tests deploy it after <see cref="Golden"/>.</summary>
    public static string GoldenModelUpdate => Path.Combine(RepositoryRoot, "tests", "VllmAspire.Publishing.Tests", "GoldenModelUpdate");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VllmAspire.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No VllmAspire.sln above {AppContext.BaseDirectory}.");
    }
}
