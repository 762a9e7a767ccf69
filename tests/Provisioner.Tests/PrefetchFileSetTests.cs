using System.Diagnostics;
using VllmAspire.Provisioner.Prefetch;

namespace VllmAspire.Provisioner.Tests;

public sealed class PrefetchFileSetTests
{
    [Fact]
    public async Task Symlink_loops_end_and_every_file_is_read_once()
    {
        using var tree = new TempTree();
        var shard = tree.File("blobs/abc", 12_345);
        tree.File("snapshots/main/config.json", 77);
        tree.Link("snapshots/main/model.safetensors", "../../blobs/abc");   // Hugging Face cache layout
        tree.Link("snapshots/main/again.safetensors", "model.safetensors"); // a link to a link to the same blob
        tree.Link("snapshots/main/up", "..");                               // a folder loop
        tree.Link("snapshots/root", tree.Root);                             // a loop to the top
        tree.Link("self", "self");                                          // a link to itself (ELOOP)
        tree.Link("a", "b");
        tree.Link("b", "a");                                                // a two-link loop

        var files = PrefetchFileSet.Scan(tree.Root);
        var reader = new AccountingReader();
        var result = await new WeightPrefetcher(new PrefetchOptions { BlockSize = 4096 }, reader).RunAsync(files);

        Assert.Equal(2, result.Files);
        Assert.Equal(12_345 + 77, result.Bytes);
        Assert.Equal(12_345 + 77, reader.Reads.Sum(r => r.Data.Length));
        Assert.Contains(files.Skipped, s => s.StartsWith(Path.Combine(tree.Root, "self") + ":", StringComparison.Ordinal) && s.Contains("loop", StringComparison.Ordinal));
        Assert.Contains(files.Skipped, s => s.StartsWith(Path.Combine(tree.Root, "a") + ":", StringComparison.Ordinal));
        Assert.Contains(files.Skipped, s => s.Contains("snapshots/main/up", StringComparison.Ordinal) && s.Contains("already read", StringComparison.Ordinal));
        Assert.Equal(new FileInfo(shard).Length, files.Files.Single(f => f.Path.EndsWith("again.safetensors", StringComparison.Ordinal) || f.Path.EndsWith("abc", StringComparison.Ordinal) || f.Path.EndsWith("model.safetensors", StringComparison.Ordinal)).Length);
    }

    [Fact]
    public void A_file_reached_through_a_linked_folder_and_a_direct_link_is_listed_once()
    {
        using var tree = new TempTree();
        tree.File("z/sub/model.safetensors", 1000);
        tree.Link("a-link", "z");                                   // read first (ordinal order): z via a-link
        tree.Link("b-link", Path.Combine(tree.Root, "z", "sub"));   // the same subfolder by its real path
        tree.Link("c-file", Path.Combine(tree.Root, "z", "sub", "model.safetensors"));

        var files = PrefetchFileSet.Scan(tree.Root);

        var file = Assert.Single(files.Files);
        Assert.Equal(Path.Combine(tree.Root, "a-link", "sub", "model.safetensors"), file.Path);
        Assert.Equal(1000, files.TotalBytes);
    }

    [Fact]
    public void Files_are_listed_in_ordinal_name_order_like_vllm_loads_shards()
    {
        using var tree = new TempTree();
        tree.File("model-00002-of-00002.safetensors", 10);
        tree.File("model-00001-of-00002.safetensors", 10);
        tree.File("config.json", 10);

        var names = PrefetchFileSet.Scan(tree.Root).Files.Select(f => Path.GetFileName(f.Path));

        Assert.Equal(["config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"], names);
    }

    [Fact]
    public void A_fifo_is_skipped_instead_of_blocking_forever()
    {
        using var tree = new TempTree();
        tree.File("model.safetensors", 100);
        var fifo = Path.Combine(tree.Root, "pipe");
        using (var mkfifo = Process.Start("mkfifo", fifo))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var files = PrefetchFileSet.Scan(tree.Root);

        Assert.Single(files.Files);
        Assert.Contains(files.Skipped, s => s.StartsWith(fifo + ":", StringComparison.Ordinal) && s.Contains("not a regular file", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_path_is_an_error_naming_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-weights-" + Guid.NewGuid().ToString("N"));

        var ex = Assert.Throws<PrefetchException>(() => PrefetchFileSet.Scan(missing));

        Assert.Contains($"'{missing}' does not exist", ex.Message, StringComparison.Ordinal);
        Assert.Contains("weights folder", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_file_can_be_prefetched()
    {
        using var tree = new TempTree();
        var path = tree.File("model.safetensors", 5000);

        var files = PrefetchFileSet.Scan(path);

        Assert.Equal([new PrefetchFile(path, 5000)], files.Files);
    }
}
