namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>A change of one resource's snapshot.</summary>
/// <param name="Resource">The resource.</param>
/// <param name="Snapshot">The new snapshot.</param>
public sealed record ResourceEvent(IResource Resource, CustomResourceSnapshot Snapshot);
