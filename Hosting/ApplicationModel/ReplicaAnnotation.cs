namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>How many instances of the resource run.</summary>
/// <param name="Replicas">The number of replicas, at least 1.</param>
public sealed record ReplicaAnnotation(int Replicas) : IResourceAnnotation;
