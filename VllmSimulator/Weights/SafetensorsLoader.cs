using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.MemoryMappedFiles;
using System.Text;
using System.Text.Json;

namespace VllmAspire.VllmSimulator.Weights;

/// <summary>
/// Loads a Hugging Face model folder the way vLLM's default loader does: every <c>*.safetensors</c> shard in name
/// order is memory-mapped, its header validated as the safetensors library validates it, and every page touched
/// in order. The I/O is therefore real, so disk speed, read-ahead and page-cache prewarming show in load times.
/// </summary>
public static class SafetensorsLoader
{
    /// <summary>The safetensors library refuses headers larger than this (100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const int PageSize = 4096;
    private const string Fix = "Point --model at a folder holding a complete Hugging Face model with *.safetensors shards.";

    /// <summary>Element sizes of the safetensors dtypes.</summary>
    public static readonly IReadOnlyDictionary<string, int> DtypeSizes = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E4M3"] = 1, ["F8_E5M2"] = 1, ["F8_E8M0"] = 1,
        ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["F32"] = 4,
        ["I64"] = 8, ["U64"] = 8, ["F64"] = 8, ["C64"] = 8,
    };

    /// <summary>Finds, validates and reads every shard in <paramref name="folder"/>.</summary>
    /// <param name="folder">The model folder.</param>
    /// <param name="threads">Shards read at once (vLLM 0.10.2+ multithread load); 1 reads them one after another.</param>
    /// <param name="ct">Cancels loading.</param>
    /// <returns>What was loaded.</returns>
    /// <exception cref="WeightLoadException">The folder or a shard is missing or malformed.</exception>
    public static async Task<WeightLoadResult> LoadAsync(string folder, int threads = 1, CancellationToken ct = default)
    {
        var files = FindShards(folder);
        var sw = Stopwatch.StartNew();
        var results = new (int Tensors, long TensorBytes, long FileBytes)[files.Count];
        if (threads <= 1)
        {
            for (var i = 0; i < files.Count; i++)
            {
                results[i] = LoadFile(files[i], ct);
            }
        }
        else
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = ct },
                (i, token) =>
                {
                    results[i] = LoadFile(files[i], token);
                    return ValueTask.CompletedTask;
                }).ConfigureAwait(false);
        }

        return new WeightLoadResult(files, results.Sum(r => r.Tensors), results.Sum(r => r.TensorBytes), results.Sum(r => r.FileBytes), sw.Elapsed);
    }

    /// <summary>The shard files of a model folder in load order.</summary>
    /// <param name="folder">The model folder.</param>
    /// <returns>The absolute paths, sorted by name.</returns>
    /// <exception cref="WeightLoadException">The folder is missing or holds no shards.</exception>
    public static IReadOnlyList<string> FindShards(string folder)
    {
        var full = Path.GetFullPath(folder);
        if (File.Exists(full))
        {
            throw new WeightLoadException($"Model path '{full}' is a file, not a folder. {Fix}");
        }

        if (!Directory.Exists(full))
        {
            throw new WeightLoadException($"Model folder '{full}' does not exist. {Fix}");
        }

        var files = Directory.GetFiles(full, "*.safetensors").Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
        {
            throw new WeightLoadException($"No *.safetensors files found in model folder '{full}'. {Fix}");
        }

        return files;
    }

    /// <summary>Validates one shard's header and touches every page of it.</summary>
    /// <param name="path">The shard.</param>
    /// <param name="ct">Cancels reading.</param>
    /// <returns>The tensor count, tensor bytes and file size.</returns>
    /// <exception cref="WeightLoadException">The file is malformed.</exception>
    public static (int Tensors, long TensorBytes, long FileBytes) LoadFile(string path, CancellationToken ct = default)
    {
        var length = new FileInfo(path).Length;
        if (length == 0)
        {
            throw Bad(path, "the file is empty (0 bytes); a safetensors file starts with an 8-byte header length. The download was probably interrupted: download or regenerate the shard.");
        }

        if (length < 8)
        {
            throw Bad(path, $"the file is {length} bytes, too short for the 8-byte safetensors header length. Download or regenerate the shard.");
        }

        using var mmf = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = mmf.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        var lengthBytes = new byte[8];
        view.ReadArray(0, lengthBytes, 0, 8);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderBytes)
        {
            throw Bad(path, $"invalid safetensors header length {headerLength} (more than the 100 MB limit); the file is not a safetensors file or is corrupt.");
        }

        if (headerLength < 2 || 8 + (long)headerLength > length)
        {
            throw Bad(path, $"invalid safetensors header length {headerLength}: the file is {length} bytes, so the header must be between 2 and {length - 8} bytes. The file is truncated or not a safetensors file.");
        }

        var header = new byte[headerLength];
        view.ReadArray(8, header, 0, header.Length);
        var dataStart = 8 + (long)headerLength;
        var dataLength = length - dataStart;
        var (tensors, tensorBytes) = ValidateHeader(path, header, dataLength);

        TouchPages(view, length, ct);
        return (tensors, tensorBytes, length);
    }

    private static (int Count, long Bytes) ValidateHeader(string path, byte[] header, long dataLength)
    {
        if (header[0] != (byte)'{')
        {
            throw Bad(path, "invalid safetensors header: it does not start with '{'. The file is not a safetensors file or is corrupt.");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header.AsMemory().TrimEnd((byte)' '));
        }
        catch (JsonException ex)
        {
            throw Bad(path, $"invalid safetensors header: the {header.Length}-byte JSON header does not parse ({ex.Message}).");
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Bad(path, "invalid safetensors header: the JSON header is not an object.");
            }

            var spans = new List<(long Begin, long End, string Name)>();
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    if (entry.Value.ValueKind != JsonValueKind.Object || entry.Value.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
                    {
                        throw Bad(path, "invalid safetensors header: __metadata__ must map names to strings.");
                    }

                    continue;
                }

                spans.Add(ValidateTensor(path, entry, dataLength));
            }

            // The safetensors library requires the tensors to tile the data area exactly: no overlap, no gap.
            spans.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            long expected = 0;
            foreach (var (begin, end, name) in spans)
            {
                if (begin < expected)
                {
                    throw Bad(path, $"tensor '{name}' data_offsets [{begin}, {end}] overlap the previous tensor (which ends at {expected}).");
                }

                if (begin > expected)
                {
                    throw Bad(path, $"tensor '{name}' data_offsets start at {begin} but the previous tensor ends at {expected}; safetensors data must be contiguous.");
                }

                expected = end;
            }

            if (expected != dataLength)
            {
                throw Bad(path, $"the tensors cover {expected} bytes but the data area holds {dataLength} bytes (incomplete or padded file). Download or regenerate the shard.");
            }

            return (spans.Count, expected);
        }
    }

    private static (long Begin, long End, string Name) ValidateTensor(string path, JsonProperty entry, long dataLength)
    {
        var name = entry.Name;
        var t = entry.Value;
        if (t.ValueKind != JsonValueKind.Object
            || !t.TryGetProperty("dtype", out var dtypeEl) || dtypeEl.ValueKind != JsonValueKind.String
            || !t.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array
            || !t.TryGetProperty("data_offsets", out var offEl) || offEl.ValueKind != JsonValueKind.Array || offEl.GetArrayLength() != 2)
        {
            throw Bad(path, $"tensor '{name}' needs \"dtype\" (string), \"shape\" (array) and \"data_offsets\" ([begin, end]).");
        }

        var dtype = dtypeEl.GetString()!;
        if (!DtypeSizes.TryGetValue(dtype, out var size))
        {
            throw Bad(path, $"tensor '{name}' has unknown dtype '{dtype}'.");
        }

        long elements = 1;
        foreach (var d in shapeEl.EnumerateArray())
        {
            if (!d.TryGetInt64(out var dim) || dim < 0)
            {
                throw Bad(path, $"tensor '{name}' has an invalid shape {shapeEl.GetRawText()}.");
            }

            elements = checked(elements * dim);
        }

        if (!offEl[0].TryGetInt64(out var begin) || !offEl[1].TryGetInt64(out var end) || begin < 0 || end < begin)
        {
            throw Bad(path, $"tensor '{name}' has invalid data_offsets {offEl.GetRawText()}.");
        }

        if (end > dataLength)
        {
            throw Bad(path, $"tensor '{name}' data_offsets [{begin}, {end}] end past the end of the data area ({dataLength} bytes); the file is truncated.");
        }

        if (elements * size != end - begin)
        {
            throw Bad(path, $"tensor '{name}' shape {shapeEl.GetRawText()} of {dtype} needs {elements * size} bytes but data_offsets [{begin}, {end}] span {end - begin}.");
        }

        return (begin, end, name);
    }

    private static unsafe void TouchPages(MemoryMappedViewAccessor view, long length, CancellationToken ct)
    {
        byte* p = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        try
        {
            p += view.PointerOffset;
            long sum = 0;
            for (long offset = 0; offset < length; offset += PageSize)
            {
                sum += p[offset];
                if ((offset & ((1 << 26) - 1)) == 0)
                {
                    ct.ThrowIfCancellationRequested();
                }
            }

            GC.KeepAlive(sum);
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    private static WeightLoadException Bad(string path, string what) => new($"{path}: {what}");
}
