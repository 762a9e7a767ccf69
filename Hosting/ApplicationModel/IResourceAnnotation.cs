namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>Marker for data and behaviour attached to a resource.</summary>
public interface IResourceAnnotation;
