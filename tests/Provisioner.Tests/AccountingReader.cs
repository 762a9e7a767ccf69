using System.Collections.Concurrent;
using Microsoft.Win32.SafeHandles;
using VllmAspire.Provisioner.Prefetch;

namespace VllmAspire.Provisioner.Tests;

/// <summary>
/// Performs the real reads and records each one: which file, where, how many bytes, and a copy of the bytes, so
/// a test can prove every byte was read exactly once and what was read is the file's content.
/// </summary>
internal class AccountingReader : BlockReader
{
    public ConcurrentBag<(string Path, long Offset, byte[] Data)> Reads { get; } = [];

    public ConcurrentBag<string> Opened { get; } = [];

    public override SafeFileHandle Open(PrefetchFile file)
    {
        Opened.Add(file.Path);
        return base.Open(file);
    }

    public override int Read(PrefetchFile file, SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        var n = base.Read(file, handle, buffer, offset);
        Reads.Add((file.Path, offset, buffer[..n].ToArray()));
        return n;
    }
}
