using System.Reflection;
using System.Text;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace VllmAspire.Hosting.Dashboard;

/// <summary>
/// The dashboard's static files (Blazor's script, Fluent UI, Plotly, our stylesheet), embedded in this assembly and
/// served as the dashboard's web root, so they ship with every AppHost and work offline.
/// </summary>
internal sealed class DashboardAssets : IFileProvider
{
    /// <summary>The dashboard web application's name; Blazor looks for <c>{name}.modules.json</c> in the web root.</summary>
    public const string ApplicationName = "VllmAspire.Dashboard";

    // Fluent UI registers its web components through this JavaScript initializer.
    private const string FluentInitializer = "_content/Microsoft.FluentUI.AspNetCore.Components/Microsoft.FluentUI.AspNetCore.Components.lib.module.js";

    private static readonly Assembly Assembly = typeof(DashboardAssets).Assembly;
    private static readonly DateTimeOffset BuiltAt = File.GetLastWriteTimeUtc(Assembly.Location);
    private readonly HashSet<string> _names = new(
        Assembly.GetManifestResourceNames().Where(n => n.StartsWith("_framework/", StringComparison.Ordinal) || n.StartsWith("_content/", StringComparison.Ordinal) || n.StartsWith("dashboard/", StringComparison.Ordinal)),
        StringComparer.Ordinal);

    private readonly byte[] _modules = Encoding.UTF8.GetBytes($"[\"{FluentInitializer}\"]");

    /// <inheritdoc />
    public IFileInfo GetFileInfo(string subpath)
    {
        var name = subpath.TrimStart('/');
        if (name == $"{ApplicationName}.modules.json")
        {
            return new AssetFile(name, () => new MemoryStream(_modules, writable: false), _modules.Length);
        }

        if (!_names.Contains(name))
        {
            return new NotFoundFileInfo(subpath);
        }

        using var probe = Assembly.GetManifestResourceStream(name)!;
        return new AssetFile(name, () => Assembly.GetManifestResourceStream(name)!, probe.Length);
    }

    /// <inheritdoc />
    public IDirectoryContents GetDirectoryContents(string subpath) => NotFoundDirectoryContents.Singleton;

    /// <inheritdoc />
    public IChangeToken Watch(string filter) => NullChangeToken.Singleton;

    /// <summary>Whether the embedded assets are present (a build without them would serve a blank page).</summary>
    public bool Contains(string path) => _names.Contains(path.TrimStart('/'));

    private sealed class AssetFile(string name, Func<Stream> open, long length) : IFileInfo
    {
        public bool Exists => true;

        public long Length => length;

        public string? PhysicalPath => null;

        public string Name => Path.GetFileName(name);

        public DateTimeOffset LastModified => BuiltAt;

        public bool IsDirectory => false;

        public Stream CreateReadStream() => open();
    }
}
