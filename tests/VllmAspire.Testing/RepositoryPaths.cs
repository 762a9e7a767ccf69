namespace VllmAspire.Testing;

/// <summary>Where the repository and the shared reference (<c>../shared/reference</c> beside it, as in CI) are.</summary>
public static class RepositoryPaths
{
    /// <summary>Gets the repository root (the folder holding VllmAspire.sln above the test's output).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Gets the shared reference folder.</summary>
    public static string Reference => Path.GetFullPath(Path.Combine(Root, "..", "shared", "reference"));

    /// <summary>Gets the folder of Google's discovery documents.</summary>
    public static string Discovery => Path.Combine(Reference, "discovery");

    /// <summary>Gets the CRD schemas folder, <c>../shared/reference/schemas</c>.</summary>
    public static string Schemas => Path.Combine(Reference, "schemas");

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
