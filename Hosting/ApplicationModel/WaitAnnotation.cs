namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>The resource starts only once <paramref name="Resource"/> has reached the state <paramref name="WaitType"/> names.</summary>
/// <param name="Resource">The dependency.</param>
/// <param name="WaitType">What to wait for.</param>
public sealed record WaitAnnotation(IResource Resource, WaitType WaitType) : IResourceAnnotation;
