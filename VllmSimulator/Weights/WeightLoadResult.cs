namespace VllmAspire.VllmSimulator.Weights;

/// <summary>What loading the weights read.</summary>
/// <param name="Files">The shard files, in load order.</param>
/// <param name="TensorCount">The number of tensors across all shards.</param>
/// <param name="TensorBytes">The bytes of tensor data (the model's memory footprint).</param>
/// <param name="FileBytes">The bytes of the shard files, headers included.</param>
/// <param name="Elapsed">The wall time spent loading.</param>
public sealed record WeightLoadResult(IReadOnlyList<string> Files, int TensorCount, long TensorBytes, long FileBytes, TimeSpan Elapsed);
