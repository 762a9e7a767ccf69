using System.Buffers.Binary;
using System.Text;
using VllmAspire.VllmSimulator.Weights;

namespace VllmSimulator.Tests;

/// <summary>Every broken weights folder stops the real process with exit code 1, one message naming the file, and no listener.</summary>
public sealed class WeightValidationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Safetensors(string headerJson, long dataBytes, ulong? headerLengthOverride = null)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var file = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, headerLengthOverride ?? (ulong)header.Length);
        header.CopyTo(file, 8);
        return file;
    }

    private static string FolderWith(string name, byte[] content)
    {
        var dir = TestModels.NewFolder("bad");
        File.WriteAllBytes(Path.Combine(dir, name), content);
        return dir;
    }

    public static TheoryData<string, string> Cases() => new()
    {
        { "missing-folder", "does not exist" },
        { "no-shards", "No *.safetensors files found" },
        { "empty-file", "the file is empty" },
        { "bad-header-length", "invalid safetensors header length" },
        { "bad-json", "does not parse" },
        { "offsets-past-end", "end past the end of the data area" },
    };

    private static (string Folder, string NamedPath) Build(string kind)
    {
        const string good = """{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";
        switch (kind)
        {
            case "missing-folder":
                var missing = Path.Combine(TestModels.TempRoot, "nowhere-" + Guid.NewGuid().ToString("N"));
                return (missing, missing);
            case "no-shards":
                var dir = TestModels.NewFolder("noshards");
                File.WriteAllText(Path.Combine(dir, "config.json"), "{}");
                return (dir, dir);
            case "empty-file":
                var d1 = FolderWith("model.safetensors", []);
                return (d1, Path.Combine(d1, "model.safetensors"));
            case "bad-header-length":
                var d2 = FolderWith("model-00001-of-00001.safetensors", Safetensors(good, 8, headerLengthOverride: 1UL << 40));
                return (d2, Path.Combine(d2, "model-00001-of-00001.safetensors"));
            case "bad-json":
                var d3 = FolderWith("model.safetensors", Safetensors("""{"w":{"dtype":"F32",""", 8));
                return (d3, Path.Combine(d3, "model.safetensors"));
            case "offsets-past-end":
                var d4 = FolderWith("model.safetensors", Safetensors("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8));
                return (d4, Path.Combine(d4, "model.safetensors"));
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Broken_weights_exit_1_naming_the_file(string kind, string expected)
    {
        var (folder, named) = Build(kind);
        await using var sim = SimulatorProcess.Start("--model", folder, "--port", "0");
        var code = await sim.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, code);
        var errors = sim.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var error = Assert.Single(errors);
        Assert.Contains(named, error);
        Assert.Contains(expected, error);
        Assert.Contains("vLLM API server version", sim.Stdout);
        Assert.DoesNotContain("Starting vLLM API server", sim.Stdout);
        Assert.DoesNotContain("Loading weights took", sim.Stdout);
    }

    [Fact]
    public void The_loader_rejects_unknown_dtypes_wrong_sizes_overlaps_and_gaps()
    {
        string Fails(string header, long data)
        {
            var dir = FolderWith("m.safetensors", Safetensors(header, data));
            return Assert.Throws<WeightLoadException>(() => SafetensorsLoader.LoadFile(Path.Combine(dir, "m.safetensors"), Ct)).Message;
        }

        Assert.Contains("unknown dtype 'F12'", Fails("""{"a":{"dtype":"F12","shape":[2],"data_offsets":[0,8]}}""", 8));
        Assert.Contains("needs 12 bytes", Fails("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8));
        Assert.Contains("overlap", Fails("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12));
        Assert.Contains("contiguous", Fails("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8));
        Assert.Contains("cover 4 bytes", Fails("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 8));

        var ok = FolderWith("m.safetensors", Safetensors("""{"__metadata__":{"format":"pt"},"a":{"dtype":"BF16","shape":[2,2],"data_offsets":[0,8]}}""", 8));
        Assert.Equal((1, 8L), (SafetensorsLoader.LoadFile(Path.Combine(ok, "m.safetensors"), Ct).Tensors, SafetensorsLoader.LoadFile(Path.Combine(ok, "m.safetensors"), Ct).TensorBytes));
    }
}
