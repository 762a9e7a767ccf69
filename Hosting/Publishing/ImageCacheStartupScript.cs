using VllmAspire.Contracts.Plan;

namespace VllmAspire.Hosting.Publishing;

/// <summary>
/// The image-cache builder VM's startup script: <c>image-cache-startup.sh</c>, embedded in this assembly, with the
/// images to pull and the serial-port lines deploy waits for (<see cref="ImageCacheSentinels"/>) filled in.
/// </summary>
internal static class ImageCacheStartupScript
{
    private const string ResourceName = "VllmAspire.Hosting.Publishing.image-cache-startup.sh";

    private static readonly Lazy<string> Template = new(() =>
    {
        using var stream = typeof(ImageCacheStartupScript).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from {typeof(ImageCacheStartupScript).Assembly.GetName().Name}; the build that made it is broken.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().ReplaceLineEndings("\n");
    });

    /// <summary>Renders the script.</summary>
    /// <param name="images">The full image references to pull, e.g. <c>docker.io/vllm/vllm-openai:v0.10.1</c>.</param>
    /// <param name="cacheDevice">The device name the cache disk is attached under (<c>/dev/disk/by-id/google-NAME</c>).</param>
    /// <returns>The script, with Unix line endings.</returns>
    public static string Render(IReadOnlyList<string> images, string cacheDevice)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentException.ThrowIfNullOrEmpty(cacheDevice);
        (string Placeholder, string Value)[] values =
        [
            ("@IMAGES@", string.Join(" ", images.Select(Quote))),
            ("@CACHE_DEVICE@", Quote(cacheDevice)),
            ("@DONE_LINE@", Quote(ImageCacheSentinels.Done)),
            ("@FAILED_LINE@", Quote(ImageCacheSentinels.Failed)),
        ];
        var script = Template.Value;
        foreach (var (placeholder, value) in values)
        {
            script = script.Contains(placeholder, StringComparison.Ordinal)
                ? script.Replace(placeholder, value, StringComparison.Ordinal)
                : throw new InvalidOperationException($"The embedded {ResourceName} has no {placeholder}; restore it from source control.");
        }

        return script;
    }

    /// <summary>Quotes a value as one bash word: inside single quotes nothing expands; a single quote is closed, escaped and reopened.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The quoted word.</returns>
    private static string Quote(string value) => $"'{value.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
