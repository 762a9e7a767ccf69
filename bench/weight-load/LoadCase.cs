namespace VllmAspire.Bench.WeightLoad;

/// <summary>What one benchmark run starts.</summary>
public enum LoadCase
{
    /// <summary>vLLM-like load alone: engine start, then one thread mmaps each shard and touches its pages in order.</summary>
    Sequential,

    /// <summary>The same, with <c>prefetch</c> started at the same moment (a native sidecar beside vLLM).</summary>
    WithPrefetchSidecar,

    /// <summary><c>prefetch</c> alone, no engine.</summary>
    PrefetchAlone,

    /// <summary>The whole start of a current vLLM (imports, engine, sequential load, torch.compile without a cache, graphs): the recipe.</summary>
    WholeRecipe,

    /// <summary>The whole start with the prefetch sidecar started with the container.</summary>
    WholePrefetch,

    /// <summary>The whole start with the prefetch sidecar and a compile cache that holds this start's entry.</summary>
    WholePrefetchCache,
}
