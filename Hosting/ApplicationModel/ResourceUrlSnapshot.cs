namespace VllmAspire.Hosting.ApplicationModel;

/// <summary>One endpoint of a resource as clients reach it.</summary>
/// <param name="Name">The endpoint name.</param>
/// <param name="Url">The URL.</param>
public sealed record ResourceUrlSnapshot(string Name, string Url);
