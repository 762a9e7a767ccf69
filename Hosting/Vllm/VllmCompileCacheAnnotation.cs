namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// vLLM's torch.compile cache is baked with the weights (<c>WithCompileCache</c>): published, the weights bake runs
/// vLLM once on the GPU pool so the cache goes into the weights image beside the weights, and every pod starts from it.
/// Locally the simulator's replicas share a cache folder whether or not the model has it (<see cref="VllmSimulatorOptions.CompileCache"/>).
/// </summary>
public sealed record VllmCompileCacheAnnotation : IResourceAnnotation;
