namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>A relationship shown in the dashboard, such as <c>Reference</c> or <c>WaitFor</c>.</summary>
/// <param name="Resource">The related resource.</param>
/// <param name="Type">The relationship's kind.</param>
public sealed record ResourceRelationshipAnnotation(IResource Resource, string Type) : IResourceAnnotation;
