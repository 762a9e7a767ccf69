using Microsoft.Win32.SafeHandles;
using VllmAspire.Provisioner.Prefetch;

namespace VllmAspire.Provisioner.Tests;

public sealed class WeightPrefetcherTests
{
    private const int Block = 4096;

    [Fact]
    public async Task Every_byte_of_every_file_is_read_exactly_once_with_odd_sizes_and_empty_files()
    {
        using var tree = new TempTree();
        int[] sizes = [0, 1, 4095, 4096, 4097, 3 * Block + 17, 10 * Block - 1, 1_000_003];
        var paths = sizes.Select((s, i) => tree.File($"d{i % 3}/f{i}.bin", s, seed: i)).ToArray();
        var reader = new AccountingReader();
        var prefetcher = new WeightPrefetcher(new PrefetchOptions { Concurrency = 8, BlockSize = Block }, reader);

        var result = await prefetcher.RunAsync(PrefetchFileSet.Scan(tree.Root));

        Assert.Equal(sizes.Length, result.Files);
        Assert.Equal(sizes.Sum(s => (long)s), result.Bytes);
        Assert.Equal(result.Bytes, prefetcher.BytesRead);
        foreach (var path in paths)
        {
            // Reassemble the file from the recorded reads: no overlap, no gap, and the bytes are the file's bytes.
            var content = File.ReadAllBytes(path);
            var reads = reader.Reads.Where(r => r.Path == path).OrderBy(r => r.Offset).ToArray();
            long next = 0;
            foreach (var (_, offset, data) in reads)
            {
                Assert.Equal(next, offset);
                Assert.True(data.AsSpan().SequenceEqual(content.AsSpan((int)offset, data.Length)), $"{path} at {offset}: bytes differ");
                next += data.Length;
            }

            Assert.Equal(content.Length, next);
            Assert.Single(reader.Opened, p => p == path);
        }
    }

    [Fact]
    public async Task Keeps_the_requested_number_of_reads_in_flight()
    {
        using var tree = new TempTree();
        tree.File("model.safetensors", 64 * Block);
        var reader = new GateReader(expected: 6);
        var prefetcher = new WeightPrefetcher(new PrefetchOptions { Concurrency = 6, BlockSize = Block }, reader);

        // Each read waits until six are in flight at once; with fewer workers the gate times out and the read fails.
        var result = await prefetcher.RunAsync(PrefetchFileSet.Scan(tree.Root));

        Assert.Equal(64L * Block, result.Bytes);
        Assert.True(reader.GateOpened, "six reads were never in flight at the same time");
    }

    [Fact]
    public async Task Blocks_are_issued_in_load_order_so_the_cached_frontier_leads_the_loader()
    {
        using var tree = new TempTree();
        tree.File("model-00001-of-00002.safetensors", 20 * Block);
        tree.File("model-00002-of-00002.safetensors", 20 * Block);
        var reader = new OrderReader();
        await new WeightPrefetcher(new PrefetchOptions { Concurrency = 1, BlockSize = Block }, reader).RunAsync(PrefetchFileSet.Scan(tree.Root));

        var expected = Enumerable.Range(0, 20).Select(i => ("model-00001-of-00002.safetensors", (long)i * Block))
            .Concat(Enumerable.Range(0, 20).Select(i => ("model-00002-of-00002.safetensors", (long)i * Block)));
        Assert.Equal(expected, reader.Order);
    }

    [Fact]
    public async Task A_read_error_names_the_file_and_offset_and_stops_the_other_readers()
    {
        using var tree = new TempTree();
        tree.File("a.safetensors", 50 * Block);
        var bad = tree.File("b.safetensors", 50 * Block);
        var reader = new FailingReader(bad, failAt: 7L * Block);
        var prefetcher = new WeightPrefetcher(new PrefetchOptions { Concurrency = 4, BlockSize = Block }, reader);

        var ex = await Assert.ThrowsAsync<PrefetchException>(() => prefetcher.RunAsync(PrefetchFileSet.Scan(tree.Root)));

        Assert.Contains(bad, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"offset {7 * Block}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Input/output error", ex.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(ex.InnerException);
    }

    [Fact]
    public async Task A_file_that_shrinks_after_the_scan_is_an_error_not_a_short_read()
    {
        using var tree = new TempTree();
        var path = tree.File("model.safetensors", 10 * Block);
        var files = PrefetchFileSet.Scan(tree.Root);
        using (var f = File.OpenWrite(path))
        {
            f.SetLength(3 * Block + 5);
        }

        var ex = await Assert.ThrowsAsync<PrefetchException>(() => new WeightPrefetcher(new PrefetchOptions { BlockSize = Block }).RunAsync(files));

        Assert.Contains($"'{path}' ended at {3 * Block + 5} bytes but was {10 * Block} bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unopenable_file_is_a_clear_error()
    {
        using var tree = new TempTree();
        var path = tree.File("model.safetensors", Block);
        var reader = new UnopenableReader();

        var ex = await Assert.ThrowsAsync<PrefetchException>(() => new WeightPrefetcher(new PrefetchOptions(), reader).RunAsync(PrefetchFileSet.Scan(tree.Root)));

        Assert.Contains($"Cannot open '{path}' for reading", ex.Message, StringComparison.Ordinal);
        Assert.Contains("is denied", ex.Message, StringComparison.Ordinal);
        Assert.Contains("readable by this container's user", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, Block)]
    [InlineData(1025, Block)]
    [InlineData(4, 100)]
    public void Out_of_range_options_are_refused_with_the_option_name(int concurrency, int blockSize)
    {
        var ex = Assert.Throws<PrefetchException>(() => new PrefetchOptions { Concurrency = concurrency, BlockSize = blockSize }.Validate());
        Assert.Contains(concurrency is < 1 or > 1024 ? "--concurrency" : "--block-size", ex.Message, StringComparison.Ordinal);
    }

    private sealed class GateReader(int expected) : AccountingReader
    {
        private readonly CountdownEvent _gate = new(expected);

        public bool GateOpened { get; private set; }

        public override int Read(PrefetchFile file, SafeFileHandle handle, Span<byte> buffer, long offset)
        {
            if (!_gate.IsSet)
            {
                try
                {
                    _gate.Signal();
                }
                catch (InvalidOperationException)
                {
                    // Signalled to zero by another reader meanwhile.
                }

                if (!_gate.Wait(TimeSpan.FromSeconds(10)))
                {
                    throw new IOException("gate timed out: fewer reads in flight than expected");
                }

                GateOpened = true;
            }

            return base.Read(file, handle, buffer, offset);
        }
    }

    private sealed class OrderReader : BlockReader
    {
        public List<(string, long)> Order { get; } = [];

        public override int Read(PrefetchFile file, SafeFileHandle handle, Span<byte> buffer, long offset)
        {
            Order.Add((Path.GetFileName(file.Path), offset));
            return base.Read(file, handle, buffer, offset);
        }
    }

    private sealed class FailingReader(string path, long failAt) : BlockReader
    {
        public override int Read(PrefetchFile file, SafeFileHandle handle, Span<byte> buffer, long offset)
        {
            // What RandomAccess.Read throws for EIO from pread.
            return file.Path == path && offset == failAt ? throw new IOException("Input/output error", 5) : base.Read(file, handle, buffer, offset);
        }
    }

    private sealed class UnopenableReader : BlockReader
    {
        // As File.OpenHandle reports EACCES (tests run as root, which no file mode stops).
        public override SafeFileHandle Open(PrefetchFile file) => throw new UnauthorizedAccessException($"Access to the path '{file.Path}' is denied.", new IOException("Permission denied", 13));
    }
}
