using System.Text.Json.Nodes;

namespace VllmAspire.Testing.Fakes.Kubernetes;

/// <summary>One change in the fake's store, as a watch reports it.</summary>
/// <param name="Type">ADDED, MODIFIED or DELETED.</param>
/// <param name="ResourceType">The object's type.</param>
/// <param name="Object">The object after the change (before it, for DELETED).</param>
/// <param name="ResourceVersion">The store's resourceVersion after the change.</param>
public sealed record WatchEvent(string Type, FakeResourceType ResourceType, JsonObject Object, long ResourceVersion);
