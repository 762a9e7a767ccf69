namespace VllmAspire.Provisioner.Prefetch;

/// <summary>How the prefetcher reads.</summary>
public sealed record PrefetchOptions
{
    /// <summary>The default number of reads in flight: enough to fill a 1,200 MiB/s disk at about 1 ms per request (storage.md §6).</summary>
    public const int DefaultConcurrency = 16;

    /// <summary>The default size of one read: 16 MiB.</summary>
    public const int DefaultBlockSize = 16 << 20;

    /// <summary>Gets the number of reads in flight at once (threads, each with one outstanding <c>pread</c>).</summary>
    public int Concurrency { get; init; } = DefaultConcurrency;

    /// <summary>Gets the size of one read in bytes.</summary>
    public int BlockSize { get; init; } = DefaultBlockSize;

    /// <summary>Checks the options.</summary>
    /// <exception cref="PrefetchException">A value is out of range; the message names the option.</exception>
    public void Validate()
    {
        if (Concurrency is < 1 or > 1024)
        {
            throw new PrefetchException($"--concurrency {Concurrency} is out of range: use 1 to 1024 reads in flight (default {DefaultConcurrency}).");
        }

        if (BlockSize is < 4096 or > 1 << 30)
        {
            throw new PrefetchException($"--block-size {BlockSize} bytes is out of range: use 4K to 1G (default 16M).");
        }
    }
}
