using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using VllmAspire.Hosting.Weights;
using VllmAspire.VllmSimulator.Weights;

namespace VllmSimulator.Tests;

public sealed class SampleModelTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string> Hashes(string dir) =>
        Directory.GetFiles(dir).Where(f => !Path.GetFileName(f).StartsWith('.'))
            .ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public async Task Generates_the_same_bytes_every_time_with_at_least_64_MiB_in_two_shards()
    {
        var a = await SampleModel.EnsureAsync(Path.Combine(TestModels.NewFolder("det"), "m"), ct: Ct);
        var b = await SampleModel.EnsureAsync(Path.Combine(TestModels.NewFolder("det"), "m"), ct: Ct);

        Assert.True(a.Created);
        Assert.Equal(2, a.ShardPaths.Count);
        Assert.Equal(["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"], a.ShardPaths.Select(Path.GetFileName));
        Assert.True(a.TensorBytes >= 64L * 1024 * 1024, $"tensor bytes {a.TensorBytes}");
        Assert.Equal(a.TotalBytes, a.ShardPaths.Sum(p => new FileInfo(p).Length));

        var ha = Hashes(a.Directory);
        Assert.Equal(ha, Hashes(b.Directory));
        Assert.Contains("config.json", ha.Keys);
        Assert.Contains("model.safetensors.index.json", ha.Keys);
        // Pinned: the generator must produce these exact bytes on every machine (bump its version to change them).
        Assert.True(PinnedFirstShardSha256 == ha["model-00001-of-00002.safetensors"], "first shard sha256 " + ha["model-00001-of-00002.safetensors"]);
    }

    private const string PinnedFirstShardSha256 = "583944A3893771C392DDF052BB175982A050F50267C3F25D15C57A254BF65F90";

    [Fact]
    public async Task Second_call_does_nothing_and_an_interrupted_folder_is_regenerated()
    {
        var dir = Path.Combine(TestModels.NewFolder("idem"), "m");
        var first = await SampleModel.EnsureAsync(dir, ct: Ct);
        var stamp = File.GetLastWriteTimeUtc(first.ShardPaths[0]);

        var again = await SampleModel.EnsureAsync(dir, ct: Ct);
        Assert.False(again.Created);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(first.ShardPaths[0]));

        // A truncated shard (as after a crash mid-copy) is not taken for a complete model.
        using (var fs = new FileStream(first.ShardPaths[1], FileMode.Open))
        {
            fs.SetLength(fs.Length / 2);
        }

        var repaired = await SampleModel.EnsureAsync(dir, ct: Ct);
        Assert.True(repaired.Created);
        Assert.Equal(first.TotalBytes, repaired.ShardPaths.Sum(p => new FileInfo(p).Length));
        Assert.Empty(Directory.GetDirectories(dir)); // no staging folder left behind

        // Without the manifest the folder is not trusted either.
        File.Delete(Path.Combine(dir, SampleModel.ManifestFileName));
        Assert.True((await SampleModel.EnsureAsync(dir, ct: Ct)).Created);
    }

    [Fact]
    public async Task Shards_pass_the_simulator_validation_and_match_the_index()
    {
        var model = await TestModels.SampleAsync();
        var loaded = await SafetensorsLoader.LoadAsync(model.Directory, ct: Ct);
        Assert.Equal(model.TensorBytes, loaded.TensorBytes);
        Assert.Equal(model.TotalBytes, loaded.FileBytes);

        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(model.Directory, "model.safetensors.index.json")));
        var weightMap = index.RootElement.GetProperty("weight_map").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(model.TensorBytes, index.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
        Assert.Equal(loaded.TensorCount, weightMap.Count);

        foreach (var shard in model.ShardPaths)
        {
            var bytes = File.ReadAllBytes(shard);
            var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            Assert.Equal(0, n % 8);
            using var header = JsonDocument.Parse(bytes.AsMemory(8, n));
            Assert.Equal("pt", header.RootElement.GetProperty("__metadata__").GetProperty("format").GetString());
            foreach (var t in header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__"))
            {
                Assert.Equal("BF16", t.Value.GetProperty("dtype").GetString());
                Assert.Equal(Path.GetFileName(shard), weightMap[t.Name]);
            }
        }

        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(model.Directory, "config.json")));
        Assert.Equal("bfloat16", config.RootElement.GetProperty("torch_dtype").GetString());
        Assert.Equal(model.NumLayers, config.RootElement.GetProperty("num_hidden_layers").GetInt32());
        Assert.Equal("LlamaForCausalLM", config.RootElement.GetProperty("architectures")[0].GetString());
    }
}
