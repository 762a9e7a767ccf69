using System.Runtime.InteropServices;

namespace VllmAspire.Provisioner.Prefetch;

/// <summary>A regular file to prefetch: the path it was found at and its size when it was found.</summary>
/// <param name="Path">The path under the prefetched folder.</param>
/// <param name="Length">The size in bytes.</param>
public sealed record PrefetchFile(string Path, long Length);

/// <summary>
/// Every regular file under a path, each listed once: symbolic links are followed (Hugging Face caches link
/// <c>snapshots/</c> to <c>blobs/</c>), a file reached through several links is read once, and a directory reached
/// again through a link loop is not entered twice. Devices, FIFOs and sockets are skipped, since reading them
/// could block or never end.
/// </summary>
public sealed class PrefetchFileSet
{
    private PrefetchFileSet(string root, IReadOnlyList<PrefetchFile> files, IReadOnlyList<string> skipped)
    {
        Root = root;
        Files = files;
        Skipped = skipped;
    }

    /// <summary>Gets the absolute path that was scanned.</summary>
    public string Root { get; }

    /// <summary>Gets the files in read order: folder by folder, names in ordinal order (the order vLLM loads shards in).</summary>
    public IReadOnlyList<PrefetchFile> Files { get; }

    /// <summary>Gets what was left out and why (broken links, link loops, special files).</summary>
    public IReadOnlyList<string> Skipped { get; }

    /// <summary>Gets the total size of <see cref="Files"/>.</summary>
    public long TotalBytes => Files.Sum(f => f.Length);

    /// <summary>Lists the files under <paramref name="path"/> (or the file itself).</summary>
    /// <param name="path">A folder or a file.</param>
    /// <returns>The file set.</returns>
    /// <exception cref="PrefetchException">The path does not exist or a folder cannot be listed.</exception>
    public static PrefetchFileSet Scan(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var root = Path.GetFullPath(path);
        var files = new List<PrefetchFile>();
        var skipped = new List<string>();
        var seenFiles = new HashSet<string>(StringComparer.Ordinal);
        if (File.Exists(root))
        {
            AddFile(new FileInfo(root), RealPath(root) ?? root, files, skipped, seenFiles);
        }
        else if (Directory.Exists(root))
        {
            var visited = new HashSet<string>(StringComparer.Ordinal);
            Walk(root, RealPath(root) ?? root, files, skipped, seenFiles, visited);
        }
        else
        {
            throw new PrefetchException($"Prefetch path '{root}' does not exist (or is a broken link). Pass the weights folder, e.g. the mount path of the weights volume.");
        }

        return new PrefetchFileSet(root, files, skipped);
    }

    private static void Walk(string dir, string realDir, List<PrefetchFile> files, List<string> skipped, HashSet<string> seenFiles, HashSet<string> visited)
    {
        if (!visited.Add(realDir))
        {
            return;
        }

        FileSystemInfo[] entries;
        try
        {
            entries = new DirectoryInfo(dir).GetFileSystemInfos();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PrefetchException($"Cannot list folder '{dir}': {ex.Message}. Check that the weights volume is mounted and readable by this container's user.", ex);
        }

        foreach (var entry in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            // Children of a canonical folder keep canonical paths, so a folder or file reached again by any route is known.
            var real = Path.Combine(realDir, entry.Name);
            if (entry.LinkTarget is not null)
            {
                var resolved = RealPath(entry.FullName);
                if (resolved is null)
                {
                    skipped.Add($"{entry.FullName}: symbolic link is broken or part of a link loop");
                    continue;
                }

                real = resolved;
            }

            if (Directory.Exists(real))
            {
                if (visited.Contains(real))
                {
                    skipped.Add($"{entry.FullName}: link to a folder already read ({real})");
                    continue;
                }

                Walk(entry.FullName, real, files, skipped, seenFiles, visited);
            }
            else
            {
                AddFile(new FileInfo(real), real, files, skipped, seenFiles, entry.FullName);
            }
        }
    }

    private static void AddFile(FileInfo real, string realPath, List<PrefetchFile> files, List<string> skipped, HashSet<string> seenFiles, string? foundAt = null)
    {
        var shown = foundAt ?? real.FullName;
        switch (Native.FileType(realPath))
        {
            case null:
                skipped.Add($"{shown}: vanished while scanning");
                return;
            case Native.RegularFile:
                break;
            default:
                // Opening a FIFO blocks until a writer comes; a device may never end.
                skipped.Add($"{shown}: not a regular file (device, FIFO or socket)");
                return;
        }

        if (seenFiles.Add(realPath))
        {
            files.Add(new PrefetchFile(shown, real.Length));
        }
    }

    /// <summary>The canonical path (every link resolved), or null for a broken link or a link loop.</summary>
    /// <param name="path">The path.</param>
    /// <returns>The canonical path.</returns>
    internal static string? RealPath(string path)
    {
        var p = Native.realpath(path, IntPtr.Zero);
        if (p == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(p);
        }
        finally
        {
            Native.free(p);
        }
    }
}
