namespace VllmAspire.VllmSimulator.Weights;

/// <summary>The model folder or one of its shards cannot be loaded; the message names the file, the fault and the fix.</summary>
public sealed class WeightLoadException(string message) : Exception(message);
