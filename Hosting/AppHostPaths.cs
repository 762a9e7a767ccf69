namespace VllmAspire.Hosting;

/// <summary>Where the AppHost project is and where it keeps generated files and state.</summary>
/// <param name="AppHostDirectory">The AppHost project directory.</param>
/// <param name="DataDirectory">The data folder (<c>AppHost:DataDirectory</c>, default <c>.vllm-aspire</c> in the AppHost directory).</param>
public sealed record AppHostPaths(string AppHostDirectory, string DataDirectory)
{
    /// <summary>Gets a folder under the data folder for one resource, creating it.</summary>
    /// <param name="resourceName">The resource.</param>
    /// <returns>The folder's full path.</returns>
    public string GetResourceDirectory(string resourceName) =>
        Directory.CreateDirectory(Path.Combine(DataDirectory, resourceName)).FullName;
}
