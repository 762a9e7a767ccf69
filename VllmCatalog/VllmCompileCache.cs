using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace VllmAspire.VllmCatalog;

/// <summary>
/// Where vLLM keeps its torch.compile cache and what it keys an entry on (vLLM <c>compilation/backends.py</c>,
/// <c>VllmBackend.__call__</c>): <c>$VLLM_CACHE_ROOT/torch_compile_cache/HASH/rank_R_D/backbone/</c>, holding
/// <c>vllm_compile_cache.py</c> (the index a later start loads), where HASH is the first 10 hex digits of an MD5 over four
/// factors: the <c>VLLM_*</c> environment that changes the graph, the config hash (model, dtype, length, parallelism,
/// compilation config), the hash of vLLM's traced source files (so the release), and the compiler's hash (torch and
/// Triton versions and the GPU). A start whose key matches an entry loads the graphs ("Directly load the compiled graph(s)
/// ... from the cache"); any other start compiles and writes a new entry. We cannot compute vLLM's own digest without
/// Python, so the key mirrors its factors: a change to any of them is a different entry here too.
/// </summary>
/// <param name="Version">The vLLM release (vLLM's code hash follows it).</param>
/// <param name="Model">The model as given to <c>--model</c> (part of vLLM's config hash).</param>
/// <param name="ServingFlags">The serving flags that enter vLLM's config hash (e.g. <c>--max-model-len 4096</c>, <c>--dtype bfloat16</c>), in any order.</param>
/// <param name="Gpu">The GPU type (part of the compiler hash), e.g. <c>NVIDIA L4</c>.</param>
public sealed record VllmCompileCacheKey(VllmVersion Version, string Model, IReadOnlyList<string> ServingFlags, string Gpu)
{
    /// <summary>vLLM's default cache root when <c>VLLM_CACHE_ROOT</c> is unset: <c>~/.cache/vllm</c>.</summary>
    public const string CacheRootVariable = "VLLM_CACHE_ROOT";

    /// <summary>The file whose presence makes a start a cache hit.</summary>
    public const string IndexFileName = "vllm_compile_cache.py";

    /// <summary>Gets the entry's 10-hex-digit name under <c>torch_compile_cache/</c>.</summary>
    public string Hash
    {
        get
        {
            // One line per factor, flags sorted: the same serving flags in another order are the same config.
            var factors = string.Join('\n',
                "vllm=" + Version.Text,
                "model=" + Model,
                "config=" + string.Join(' ', ServingFlags.Order(StringComparer.Ordinal)),
                "gpu=" + Gpu);
            return Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(factors)))[..10];
        }
    }

    /// <summary>The folder of this entry for one rank, as vLLM lays it out.</summary>
    /// <param name="cacheRoot">vLLM's cache root (<c>VLLM_CACHE_ROOT</c>).</param>
    /// <param name="rank">The tensor-parallel rank.</param>
    /// <param name="dataParallelRank">The data-parallel rank.</param>
    /// <returns>The rank's folder (<c>ROOT/torch_compile_cache/HASH/rank_R_D/backbone</c>).</returns>
    public string RankDirectory(string cacheRoot, int rank = 0, int dataParallelRank = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(cacheRoot);
        return Path.Combine(cacheRoot, "torch_compile_cache", Hash,
            string.Create(CultureInfo.InvariantCulture, $"rank_{rank}_{dataParallelRank}"), "backbone");
    }

    /// <summary>Whether the cache under <paramref name="cacheRoot"/> holds this entry (its index file exists).</summary>
    /// <param name="cacheRoot">vLLM's cache root.</param>
    /// <returns>Whether a start with this key is a cache hit.</returns>
    public bool IsCached(string cacheRoot) => File.Exists(Path.Combine(RankDirectory(cacheRoot), IndexFileName));
}
