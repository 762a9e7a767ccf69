using Microsoft.Win32.SafeHandles;

namespace VllmAspire.Provisioner.Prefetch;

/// <summary>
/// Performs the prefetcher's reads: positional reads (<c>pread</c>) through the page cache, never O_DIRECT, so
/// what is read stays cached for vLLM's loader. Tests derive from it to account for every read or to inject a
/// failing read; production uses <see cref="Default"/>.
/// </summary>
public class BlockReader
{
    /// <summary>The reader the prefetcher uses unless told otherwise.</summary>
    public static readonly BlockReader Default = new();

    /// <summary>Opens a file read-only (works on read-only mounts; never creates or writes).</summary>
    /// <param name="file">The file.</param>
    /// <returns>The handle.</returns>
    public virtual SafeFileHandle Open(PrefetchFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return File.OpenHandle(file.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
    }

    /// <summary>Reads up to <c>buffer.Length</c> bytes at <paramref name="offset"/>; 0 means end of file.</summary>
    /// <param name="file">The file.</param>
    /// <param name="handle">Its handle from <see cref="Open"/>.</param>
    /// <param name="buffer">Where the bytes go.</param>
    /// <param name="offset">The file offset.</param>
    /// <returns>The number of bytes read.</returns>
    public virtual int Read(PrefetchFile file, SafeFileHandle handle, Span<byte> buffer, long offset) => RandomAccess.Read(handle, buffer, offset);
}
