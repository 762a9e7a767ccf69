using System.Buffers;
using System.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace VllmAspire.Provisioner.Prefetch;

/// <summary>
/// Reads every file of a <see cref="PrefetchFileSet"/> into the page cache with many concurrent large positional
/// reads. One sequential reader (vLLM's mmap loader, <c>cat</c>) keeps about one read-ahead window in flight and is
/// bound by read-ahead / latency; <see cref="PrefetchOptions.Concurrency"/> reads in flight reach the disk's cap
/// instead (storage.md §4, §6). Blocks are handed out in file and offset order, so the cached frontier moves
/// ahead of a loader that reads the shards in the same order.
/// </summary>
/// <param name="options">How to read.</param>
/// <param name="reader">Performs the reads; <see cref="BlockReader.Default"/> unless a test accounts for them.</param>
public sealed class WeightPrefetcher(PrefetchOptions options, BlockReader? reader = null)
{
    private readonly BlockReader _reader = reader ?? BlockReader.Default;
    private long _bytesRead;

    /// <summary>Gets the bytes read so far (for a progress display).</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Reads every byte of every file once.</summary>
    /// <param name="files">The files.</param>
    /// <param name="ct">Stops reading.</param>
    /// <returns>What was read.</returns>
    /// <exception cref="PrefetchException">A file cannot be opened or read, or shrank while being read.</exception>
    public async Task<PrefetchResult> RunAsync(PrefetchFileSet files, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        options.Validate();
        var states = files.Files.Select(f => new FileState(f)).ToArray();
        var blocks = new List<(FileState File, long Offset, int Length)>();
        foreach (var state in states)
        {
            // An empty file gets one zero-length block, so it is still opened: an unreadable one is reported.
            var count = Math.Max(1, (int)((state.File.Length + options.BlockSize - 1) / options.BlockSize));
            state.Remaining = count;
            for (var i = 0; i < count; i++)
            {
                var offset = (long)i * options.BlockSize;
                blocks.Add((state, offset, (int)Math.Min(options.BlockSize, state.File.Length - offset)));
            }
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var next = -1;
        var sw = Stopwatch.StartNew();
        // pread blocks its thread: dedicated threads keep exactly Concurrency reads in flight, where the thread
        // pool would add threads slowly on a small machine.
        var workers = Enumerable.Range(0, Math.Min(options.Concurrency, blocks.Count)).Select(_ => Task.Factory.StartNew(() =>
        {
            var buffer = ArrayPool<byte>.Shared.Rent(options.BlockSize);
            try
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < blocks.Count)
                {
                    stop.Token.ThrowIfCancellationRequested();
                    var (state, offset, length) = blocks[i];
                    ReadBlock(state, offset, buffer.AsSpan(0, length));
                }
            }
            catch
            {
                stop.Cancel();
                throw;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }, stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch when (workers.Select(w => w.Exception?.InnerException).OfType<PrefetchException>().FirstOrDefault() is { } first)
        {
            // The first real failure, not the cancellations it caused in the other workers.
            throw first;
        }
        finally
        {
            foreach (var state in states)
            {
                state.Handle?.Dispose();
            }
        }

        return new PrefetchResult(states.Length, BytesRead, sw.Elapsed, files.Skipped);
    }

    private void ReadBlock(FileState state, long offset, Span<byte> buffer)
    {
        var handle = state.GetHandle(_reader);
        var done = 0;
        while (done < buffer.Length)
        {
            int n;
            try
            {
                n = _reader.Read(state.File, handle, buffer[done..], offset + done);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new PrefetchException($"Reading '{state.File.Path}' at offset {offset + done} failed: {ex.Message}. Check the disk and the mount (dmesg shows device errors); the file may need to be restored.", ex);
            }

            if (n == 0)
            {
                throw new PrefetchException($"'{state.File.Path}' ended at {offset + done} bytes but was {state.File.Length} bytes when prefetch started: it changed while being read. Weights volumes should be immutable; run prefetch again after the copy finishes.");
            }

            done += n;
            Interlocked.Add(ref _bytesRead, n);
        }

        if (Interlocked.Decrement(ref state.Remaining) == 0)
        {
            state.Handle?.Dispose();
        }
    }

    private sealed class FileState(PrefetchFile file)
    {
        private readonly Lock _lock = new();

        public PrefetchFile File { get; } = file;

        public SafeFileHandle? Handle { get; private set; }

#pragma warning disable SA1401 // decremented with Interlocked
        public int Remaining;
#pragma warning restore SA1401

        public SafeFileHandle GetHandle(BlockReader reader)
        {
            lock (_lock)
            {
                if (Handle is null)
                {
                    try
                    {
                        Handle = reader.Open(File);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        throw new PrefetchException($"Cannot open '{File.Path}' for reading: {ex.Message}. Make it readable by this container's user (fsGroup / file mode) or remove it from the weights folder.", ex);
                    }
                }

                return Handle;
            }
        }
    }
}
