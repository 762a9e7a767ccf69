using System.Globalization;
using VllmAspire.VllmCatalog;

namespace VllmAspire.VllmSimulator.Startup;

/// <summary>
/// The simulator's torch.compile cache, laid out and keyed as vLLM's (<see cref="VllmCompileCacheKey"/>): a start whose
/// key has an entry under the cache root is a hit; a miss writes the entry at the end of its compile.
/// </summary>
/// <param name="Root">vLLM's cache root, or <see langword="null"/> when the cache is off.</param>
/// <param name="Key">This start's key.</param>
internal sealed record CompileCache(string? Root, VllmCompileCacheKey Key)
{
    /// <summary>The key of a start with these options: the release, the model, the serving flags in vLLM's config hash, the GPU.</summary>
    /// <param name="options">The simulator options.</param>
    /// <returns>The cache.</returns>
    public static CompileCache For(SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string[] flags =
        [
            "--max-model-len", options.MaxModelLen.ToString(CultureInfo.InvariantCulture),
            "--dtype", options.Dtype,
            "--tensor-parallel-size", options.TensorParallelSize.ToString(CultureInfo.InvariantCulture),
        ];
        return new CompileCache(options.Startup.CompileCacheRoot, new VllmCompileCacheKey(options.Version, options.Model, flags, options.Startup.GpuName));
    }

    /// <summary>Gets the rank's cache folder, or <see langword="null"/> when the cache is off.</summary>
    public string? Directory => Root is null ? null : Key.RankDirectory(Root);

    /// <summary>Whether this start finds its entry.</summary>
    /// <returns>Whether it is a hit.</returns>
    public bool IsHit() => Root is not null && Key.IsCached(Root);

    /// <summary>Writes the entry after a miss, atomically: replicas starting together may both miss and both write.</summary>
    public void Store()
    {
        if (Directory is not { } dir)
        {
            return;
        }

        System.IO.Directory.CreateDirectory(dir);
        var index = Path.Combine(dir, VllmCompileCacheKey.IndexFileName);
        var temp = index + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
        // vLLM's index is a Python dict literal: (compile range, graph index, compiler) -> the compiler's handle.
        File.WriteAllText(temp, $"{{   (None, 0, 'inductor'): ('simulated-{Key.Hash}', '{dir}')}}\n");
        File.Move(temp, index, overwrite: true);
    }
}
