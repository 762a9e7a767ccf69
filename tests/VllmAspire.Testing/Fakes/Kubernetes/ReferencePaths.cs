namespace VllmAspire.Testing.Fakes.Kubernetes;

/// <summary>Where the shared reference (<c>../shared/reference</c> beside the repository) is.</summary>
public static class ReferencePaths
{
    /// <summary>Gets the repository root (the folder holding VllmAspire.sln above the test's output).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Gets the CRD schemas folder, <c>../shared/reference/schemas</c>.</summary>
    public static string Schemas => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "reference", "schemas"));

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
